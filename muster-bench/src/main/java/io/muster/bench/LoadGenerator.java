package io.muster.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Keeps a fixed number of HTTP requests in flight against a set of members and records each one's latency.
 * Vert.x's client, not the JDK's: on two cores the JDK client's threads cost more than the servers it measures.
 */
final class LoadGenerator implements AutoCloseable {
    /** One request to send: member index, method, path, body (may be null). */
    record Call(int member, HttpMethod method, String path, Buffer body) {
    }

    record Outcome(long ok, long failed, double seconds, long[] latenciesNanos) {
        double perSecond() {
            return ok / seconds;
        }

        double percentileMs(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
            return sorted[i] / 1e6;
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;
    private final List<URI> members;
    /** {@code Bearer SECRET} sent on every request (docs/acl.md), or null for none. */
    private final String authorization;

    LoadGenerator(List<URI> members, int connectionsPerMember) {
        this(members, connectionsPerMember, "", "");
    }

    /**
     * @param caPem PEM CA to trust for {@code https://} members (docs/tls.md); empty for the JDK's trust store
     * @param token ACL token sent as {@code Authorization: Bearer} on every request (docs/acl.md); empty for none
     */
    LoadGenerator(List<URI> members, int connectionsPerMember, String caPem, String token) {
        this.members = members;
        this.authorization = token == null || token.isEmpty() ? null : "Bearer " + token;
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000);
        if (!caPem.isEmpty()) {
            options.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(caPem));
        }
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connectionsPerMember));
    }

    int memberCount() {
        return members.size();
    }

    /** Runs {@code total} calls (or for at most {@code maxNanos}), {@code inFlight} at a time. */
    Outcome run(int total, int inFlight, long maxNanos, IntFunction<Call> calls) {
        return runOps(total, inFlight, maxNanos, i -> send(calls.apply(i)).map(status -> status == 200));
    }

    /**
     * Runs {@code total} operations (or for at most {@code maxNanos}), {@code inFlight} at a time; an operation
     * succeeds when its future completes with true. An operation may be several requests (etcd's grant + put).
     */
    Outcome runOps(int total, int inFlight, long maxNanos, IntFunction<Future<Boolean>> ops) {
        // Time-boxed runs pass a huge total: keep at most 4M latencies (enough for percentiles), count the rest.
        long[] latencies = new long[Math.min(total, 4_000_000)];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger active = new AtomicInteger(inFlight);
        long start = System.nanoTime();
        long deadlineNanos = maxNanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + maxNanos;
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= total || System.nanoTime() > deadlineNanos) {
                if (active.decrementAndGet() == 0) {
                    done.complete(null);
                }
                return;
            }
            long t0 = System.nanoTime();
            ops.apply(i).onComplete(ar -> {
                if (ar.succeeded() && ar.result()) {
                    ok.incrementAndGet();
                    int slot = recorded.getAndIncrement();
                    if (slot < latencies.length) {
                        latencies[slot] = System.nanoTime() - t0;
                    }
                } else {
                    failed.incrementAndGet();
                }
                loop[0].run();
            });
        };
        for (int k = 0; k < inFlight; k++) {
            vertx.runOnContext(v -> loop[0].run());
        }
        done.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(ok.get(), failed.get(), seconds, Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length)));
    }

    Future<Integer> send(Call c) {
        return exchange(c).map(Reply::status);
    }

    /** An answer: its status, one header the caller asked for (or null), and its body. */
    record Reply(int status, String header, Buffer body) {
    }

    /** Sends one request and returns its whole answer. */
    Future<Reply> exchange(Call c) {
        return exchange(c, null);
    }

    Future<Reply> exchange(Call c, String header) {
        RequestOptions o = options(c).setTimeout(10_000);
        return client.request(o).compose(req -> (c.body() == null ? req.send() : req.send(c.body())))
                .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), header == null ? null : resp.getHeader(header), b)));
    }

    /**
     * Sends one request whose answer is a stream (etcd's watch through its gateway) and hands each received chunk
     * to {@code chunks}; the future completes when the answer's headers arrive.
     */
    Future<Integer> stream(Call c, java.util.function.Consumer<Buffer> chunks) {
        return client.request(options(c)).compose(req -> (c.body() == null ? req.send() : req.send(c.body())))
                .map(resp -> {
                    resp.handler(chunks::accept);
                    return resp.statusCode();
                });
    }

    private RequestOptions options(Call c) {
        URI m = members.get(c.member() % members.size());
        // The connect timeout also bounds the wait for a pooled connection: without it a request behind a stuck pool
        // waited forever (an etcd failover round hung 10 minutes in leader()).
        RequestOptions o = new RequestOptions().setMethod(c.method()).setHost(m.getHost()).setPort(m.getPort())
                .setSsl("https".equals(m.getScheme())).setURI(c.path()).setConnectTimeout(10_000);
        if (authorization != null) {
            o.putHeader("Authorization", authorization);
        }
        if (c.body() != null) {
            o.putHeader("Content-Type", "application/json");
        }
        return o;
    }

    Vertx vertx() {
        return vertx;
    }

    /**
     * Sends a request until it answers 200 (for up to 30 s: a cluster may still be electing) and returns the body;
     * blocking, so for the bench's main thread only.
     */
    String untilOk(Call c) {
        long giveUp = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                Reply r = exchange(c).toCompletionStage().toCompletableFuture().join();
                if (r.status() == 200) {
                    return r.body().toString();
                }
            } catch (RuntimeException e) {
                // not answering yet: try again below
            }
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("no 200 answer to " + c.path() + " within 30 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** GETs a path on one member and returns the body (for metrics and cluster state). */
    String get(int member, String path) {
        URI m = members.get(member);
        RequestOptions o = new RequestOptions().setHost(m.getHost()).setPort(m.getPort()).setSsl("https".equals(m.getScheme()))
                .setURI(path).setTimeout(10_000).setConnectTimeout(10_000);
        if (authorization != null) {
            o.putHeader("Authorization", authorization);
        }
        return client.request(o)
                .compose(req -> req.send().compose(resp -> resp.body()))
                .map(Buffer::toString)
                .toCompletionStage().toCompletableFuture().join();
    }

    static List<URI> parseMembers(String csv) {
        List<URI> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(URI.create(s.trim().startsWith("http") ? s.trim() : "http://" + s.trim()));
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
