package io.muster.render;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backend behind a balancer: a real HTTP server on loopback that answers {@code /} with its name and
 * {@code /health} with 200 or 503 as the test switches it, and counts the requests it served on {@code /}.
 */
final class Backend implements AutoCloseable {
    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong served = new AtomicLong();
    private volatile boolean healthy = true;

    Backend(String name, String address, int port) throws IOException {
        this.name = name;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "backend-" + name);
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(address, port), 64);
        server.setExecutor(executor);
        server.createContext("/health", ex -> reply(ex, healthy ? 200 : 503, healthy ? "ok" : "failing"));
        server.createContext("/", ex -> {
            served.incrementAndGet();
            reply(ex, 200, name);
        });
        server.start();
    }

    Backend(String name) throws IOException {
        this(name, "127.0.0.1", 0);
    }

    String name() {
        return name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    String address() {
        return server.getAddress().getAddress().getHostAddress();
    }

    void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    long served() {
        return served.get();
    }

    /** The registration body of this backend with an HTTP check on {@code /health}. */
    String registration() {
        return "{\"address\":\"" + address() + "\",\"port\":" + port() + ",\"check\":{\"http\":\"http://" + address() + ":"
                + port() + "/health\",\"interval\":\"500ms\",\"timeout\":\"400ms\"}}";
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
