package io.muster.server.http;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP API on every event loop: one {@link HttpServer} per loop, all on one port, which Vert.x shares between
 * them (new connections go round-robin). A single server binds to one loop, and with two loops on two cores half
 * of the member's network threads then sat idle under load while the other carried every request (issue 14).
 * The handlers are shared and thread-safe; each connection stays on the loop that accepted it.
 */
public final class HttpListeners {
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private volatile int port;

    private HttpListeners() {
    }

    /**
     * Listens with {@code instances} servers made by {@code server} (handlers set, not yet listening), each from a
     * verticle instance of its own so that each takes its own event loop, all on {@code port}; 0 picks one free
     * port they share (Vert.x shares a random port among servers that ask for a negative one). Completes once all
     * listen; fails with all closed.
     */
    public static Future<HttpListeners> listen(Vertx vertx, Supplier<HttpServer> server, int instances, String host, int port) {
        HttpListeners l = new HttpListeners();
        return l.deploy(vertx, server, instances, host, port == 0 ? -1 : port)
                .<HttpListeners>map(ignored -> {
                    l.port = l.servers.get(0).actualPort();
                    return l;
                })
                .recover(e -> l.close().transform(ignored -> Future.failedFuture(e)));
    }

    private Future<String> deploy(Vertx vertx, Supplier<HttpServer> server, int instances, String host, int port) {
        Supplier<Deployable> one = () -> context -> {
            HttpServer s = server.get();
            servers.add(s);
            return s.listen(port, host);
        };
        return vertx.deployVerticle(one, new DeploymentOptions().setInstances(instances));
    }

    public int actualPort() {
        return port;
    }

    /** Stops accepting, lets requests in flight finish up to {@code timeoutMs}, then closes. */
    public Future<Void> shutdown(long timeoutMs) {
        return Future.join(servers.stream().map(s -> s.shutdown(timeoutMs, TimeUnit.MILLISECONDS)).toList()).mapEmpty();
    }

    public Future<Void> close() {
        return Future.join(servers.stream().map(HttpServer::close).toList()).mapEmpty();
    }
}
