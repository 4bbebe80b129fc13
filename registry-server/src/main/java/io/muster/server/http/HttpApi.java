package io.muster.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.muster.server.lease.Heartbeats;
import io.muster.server.watch.WatchHub;
import io.muster.server.write.WriteBatcher;
import io.muster.store.raft.RaftNode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The route table of the HTTP API: one line per route, each pointing at a named handler. */
public final class HttpApi {
    /** The contract's request body limit. */
    public static final int MAX_BODY = 64 * 1024;

    private HttpApi() {
    }

    public static Router router(Vertx vertx, RaftNode node, WriteBatcher writes, Heartbeats heartbeats, WatchHub watches,
                                MeterRegistry meters, Supplier<String> metricsText, BooleanSupplier shuttingDown) {
        var instances = new InstanceWrites(writes, heartbeats);
        var reads = new ServiceReads(node, watches);
        var cluster = new ClusterResource(node);
        var health = new HealthResource(node, shuttingDown);

        Router router = Router.router(vertx);
        router.route().handler(timing(meters));
        router.route().handler(ctx -> {
            if (shuttingDown.getAsBoolean() && !ctx.request().path().startsWith("/health/")) {
                Replies.error(ctx, ApiException.unavailable("this node is shutting down"));
            } else {
                ctx.next();
            }
        });
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));

        router.put("/v1/services/:service/instances/:id").handler(instances::register);
        router.delete("/v1/services/:service/instances/:id").handler(instances::deregister);
        router.put("/v1/services/:service/instances/:id/heartbeat").handler(instances::heartbeat);
        router.get("/v1/services").handler(reads::list);
        router.get("/v1/services/:service").handler(reads::get);
        router.get("/v1/cluster").handler(cluster::get);
        router.post("/v1/cluster/members").handler(cluster::add);
        router.delete("/v1/cluster/members/:id").handler(cluster::remove);
        router.post("/v1/cluster/leader/transfer").handler(cluster::transfer);
        router.get("/health/live").handler(health::live);
        router.get("/health/ready").handler(health::ready);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metricsText.get()));

        router.route().failureHandler(HttpApi::failure);
        router.errorHandler(404, ctx -> Replies.error(ctx, ApiException.notFound("no such route: " + ctx.request().path())));
        router.errorHandler(405, ctx -> Replies.error(ctx,
                new ApiException(405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.request().path(), null, null)));
        router.errorHandler(413, ctx -> Replies.error(ctx,
                new ApiException(413, "too_large", "the body is larger than " + MAX_BODY + " bytes", null, null)));
        router.errorHandler(500, HttpApi::failure);
        return router;
    }

    private static void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (t != null) {
            Replies.error(ctx, t);
            return;
        }
        int status = ctx.statusCode();
        switch (status) {
            case 404 -> Replies.error(ctx, ApiException.notFound("no such route: " + ctx.request().path()));
            case 405 -> Replies.error(ctx, new ApiException(405, "method_not_allowed", "method not allowed", null, null));
            case 413 -> Replies.error(ctx, new ApiException(413, "too_large", "the body is larger than " + MAX_BODY + " bytes", null, null));
            case 400 -> Replies.error(ctx, ApiException.invalid(null, "bad request"));
            default -> Replies.error(ctx, new ApiException(status >= 400 ? status : 500, "internal", "request failed", null, null));
        }
    }

    /** Times every request by its route template (never the raw path: that would be unbounded cardinality). */
    private static Handler<RoutingContext> timing(MeterRegistry meters) {
        return ctx -> {
            long start = System.nanoTime();
            ctx.addEndHandler(done -> {
                String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null
                        ? "unmatched" : ctx.currentRoute().getPath();
                Timer.builder("muster_http_requests")
                        .description("HTTP requests by route, method and status")
                        .tag("route", route)
                        .tag("method", ctx.request().method().name())
                        .tag("status", String.valueOf(ctx.response().getStatusCode()))
                        .publishPercentileHistogram(false)
                        .register(meters)
                        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            });
            ctx.next();
        };
    }
}
