package io.muster.server.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real local HTTP server to check, whose answer a test switches at will. It records who probed it (the
 * {@code User-Agent} names the member) and when, so tests can count probes per member.
 */
final class HttpTarget implements AutoCloseable {
    enum Mode { OK, TOO_MANY, ERROR, HANG, TEN_MB, ENDLESS, REDIRECT_SAME_HOST, REDIRECT_OFF_HOST }

    record Probe(long atMillis, String userAgent, String path) {
    }

    static final int TEN_MB = 10 << 20;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "http-target");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Mode mode = Mode.OK;
    private final List<Probe> probes = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> byAgent = new ConcurrentHashMap<>();
    /** Bytes the big-body modes managed to write before the client went away. */
    final AtomicLong bodyBytesWritten = new AtomicLong();
    final AtomicLong bodyWritesFailed = new AtomicLong();

    HttpTarget() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void mode(Mode m) {
        mode = m;
    }

    List<Probe> probes() {
        return List.copyOf(probes);
    }

    /** Probes that arrived at or after {@code sinceMillis}. */
    List<Probe> probesSince(long sinceMillis) {
        return probes.stream().filter(p -> p.atMillis() >= sinceMillis).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String agent = String.valueOf(ex.getRequestHeaders().getFirst("User-Agent"));
        probes.add(new Probe(System.currentTimeMillis(), agent, ex.getRequestURI().getPath()));
        byAgent.computeIfAbsent(agent, a -> new AtomicLong()).incrementAndGet();
        try (ex) {
            switch (mode) {
                case OK -> reply(ex, 200, "all good");
                case TOO_MANY -> reply(ex, 429, "slow down");
                case ERROR -> reply(ex, 500, "database unreachable");
                case HANG -> {
                    try {
                        closing.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case TEN_MB -> big(ex, TEN_MB);
                case ENDLESS -> big(ex, -1);
                case REDIRECT_SAME_HOST -> {
                    if (ex.getRequestURI().getPath().equals("/moved")) {
                        ex.getResponseHeaders().add("Location", "/here");
                        reply(ex, 302, "");
                    } else {
                        reply(ex, 200, "arrived at " + ex.getRequestURI().getPath());
                    }
                }
                case REDIRECT_OFF_HOST -> {
                    ex.getResponseHeaders().add("Location", "http://example.invalid/health");
                    reply(ex, 302, "");
                }
            }
        }
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    /** A body of {@code size} bytes, or one that never ends (size -1). */
    private void big(HttpExchange ex, long size) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try {
            ex.sendResponseHeaders(200, size < 0 ? 0 : size);
            OutputStream out = ex.getResponseBody();
            long left = size < 0 ? Long.MAX_VALUE : size;
            while (left > 0 && closing.getCount() > 0) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                bodyBytesWritten.addAndGet(n);
                left -= n;
            }
        } catch (IOException e) {
            bodyWritesFailed.incrementAndGet();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
