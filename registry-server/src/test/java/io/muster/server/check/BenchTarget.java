package io.muster.server.check;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The check benchmark's target, run as its own process so its CPU is counted apart from the cluster's: a Vert.x
 * HTTP server on one event loop answering every request {@code 200 ok}, on {@code args[0]} ports (each instance
 * of a real fleet has its own endpoint). Prints the ports, then serves until killed.
 */
public final class BenchTarget {
    private BenchTarget() {
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        StringBuilder ports = new StringBuilder("ports");
        for (int i = 0; i < n; i++) {
            var server = vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(4096))
                    .requestHandler(req -> req.response().putHeader("Content-Type", "text/plain").end("ok"))
                    .listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            ports.append(' ').append(server.actualPort());
        }
        System.out.println(ports);
        System.out.flush();
        Thread.currentThread().join();
    }
}
