package io.muster.server.http;

import static io.muster.store.acl.Access.READ;
import static io.muster.store.acl.Access.WRITE;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.muster.server.acl.AclGuard;
import io.muster.server.acl.Need;
import io.muster.server.lease.Heartbeats;
import io.muster.server.lease.LeaseManager;
import io.muster.server.watch.WatchHub;
import io.muster.server.write.Writes;
import io.muster.store.catalog.CatalogView;
import io.muster.store.raft.ClusterAdmin;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.MemberChannel;
import io.muster.store.raft.Proposals;
import io.muster.store.raft.ReadBarrier;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The route table of the HTTP API: one line per route, each pointing at a named handler. */
public final class HttpApi {
    /** The contract's request body limit. */
    public static final int MAX_BODY = 64 * 1024;
    private static final String MALFORMED = "malformed request: the path, query string or Host header cannot be read";

    private HttpApi() {
    }

    /**
     * What the HTTP layer needs of this member's Raft side, handed on port by port: each resource takes only the
     * ones it uses, so none of them sees Raft as a whole.
     */
    public record Ports(CatalogView catalog, Proposals proposals, Leadership leadership, ReadBarrier reads,
                        MemberChannel channel, ClusterAdmin admin) {
    }

    public static Router router(Vertx vertx, Ports ports, Writes writes, Heartbeats heartbeats, WatchHub watches,
                                LeaseManager leases, MeterRegistry meters, Supplier<String> metricsText, BooleanSupplier shuttingDown,
                                HttpLimits limits, AclGuard acl) {
        var instances = new InstanceWrites(writes, heartbeats, limits);
        var snapshots = new SnapshotResource(ports.catalog(), ports.reads(), ports.proposals(), limits.settings().maxRestoreBytes());
        var operator = new OperatorResource(ports.proposals(), new io.muster.server.lease.SelfPreservationQuery(ports.leadership(),
                ports.channel(), leases), leases);
        var reads = new ServiceReads(ports.catalog(), ports.reads(), ports.leadership(), watches, limits);
        var cluster = new ClusterResource(ports.catalog(), ports.admin());
        var health = new HealthResource(ports.catalog(), ports.reads(), ports.leadership(), shuttingDown);
        var acls = new AclResource(writes, ports.catalog(), ports.reads());
        var console = new OperatorConsole();

        Router router = Router.router(vertx);
        Routes routes = new Routes(router, acl);
        routes.infrastructure(router.route().handler(timing(meters)));
        routes.infrastructure(router.route().handler(limits::admit));
        routes.infrastructure(router.route().handler(ctx -> {
            if (shuttingDown.getAsBoolean() && !ctx.request().path().startsWith("/health/")) {
                Replies.error(ctx, ApiException.unavailable("this node is shutting down"));
            } else if (ports.reads().applyFailure().isPresent() && !ctx.request().path().startsWith("/health/")
                    && !ctx.request().path().equals("/metrics")) {
                // Its catalog stopped at the entry it cannot apply: serving it would serve a state that diverges
                // from every other member's (design rule 15).
                Replies.error(ctx, ApiException.unavailable("this member stopped: " + ports.reads().applyFailure().get().describe()));
            } else {
                ctx.next();
            }
        }));

        // Every route declares what its caller needs (docs/acl.md); the guard decides before the body is read.
        routes.add(PUT, "/v1/services/:service/instances/:id", Need.service(WRITE), instances::register);
        routes.add(DELETE, "/v1/services/:service/instances/:id", Need.service(WRITE), instances::deregister);
        routes.add(PUT, "/v1/services/:service/instances/:id/heartbeat", Need.service(WRITE), instances::heartbeat);
        routes.add(GET, "/v1/services", Need.someService(), reads::list);
        routes.add(GET, "/v1/services/:service", Need.service(READ), reads::get);
        routes.add(GET, "/v1/cluster", Need.operator(READ), cluster::get);
        routes.add(POST, "/v1/cluster/members", Need.operator(WRITE), cluster::add);
        routes.add(DELETE, "/v1/cluster/members/:id", Need.operator(WRITE), cluster::remove);
        routes.add(POST, "/v1/cluster/leader/transfer", Need.operator(WRITE), cluster::transfer);
        // A backup holds every service and the ACL state, so it needs rights on all of them. It is larger than any
        // API body: its own limit applies.
        routes.add(GET, "/v1/snapshot", Need.everything(READ), snapshots::save);
        routes.add(PUT, "/v1/snapshot", Need.everything(WRITE), SnapshotResource.MAX_SNAPSHOT_BYTES, snapshots::restore);
        routes.add(GET, "/v1/operator/self-preservation", Need.operator(READ), operator::get);
        routes.add(PUT, "/v1/operator/self-preservation", Need.operator(WRITE), operator::set);
        routes.add(GET, "/v1/acl/policies", Need.acl(READ), acls::listPolicies);
        routes.add(GET, "/v1/acl/policies/:name", Need.acl(READ), acls::getPolicy);
        routes.add(PUT, "/v1/acl/policies/:name", Need.acl(WRITE), acls::putPolicy);
        routes.add(DELETE, "/v1/acl/policies/:name", Need.acl(WRITE), acls::deletePolicy);
        routes.add(GET, "/v1/acl/tokens", Need.acl(READ), acls::listTokens);
        routes.add(POST, "/v1/acl/tokens", Need.acl(WRITE), acls::createToken);
        routes.add(GET, "/v1/acl/tokens/:accessor", Need.acl(READ), acls::getToken);
        routes.add(DELETE, "/v1/acl/tokens/:accessor", Need.acl(WRITE), acls::deleteToken);
        routes.add(GET, "/v1/acl/whoami", Need.IDENTIFIED, acls::whoami);
        routes.add(POST, "/v1/acl/bootstrap", Need.NOTHING, acls::bootstrap);
        routes.add(GET, "/v1/openapi.json", Need.NOTHING, console::openApi);
        routes.add(GET, "/ui", Need.NOTHING, console::toIndex);
        routes.add(GET, "/ui/*", Need.NOTHING, console.files());
        routes.add(GET, "/health/live", Need.NOTHING, health::live);
        routes.add(GET, "/health/ready", Need.NOTHING, health::ready);
        routes.add(GET, "/metrics", Need.operator(READ), ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metricsText.get()));

        routes.infrastructure(router.route().failureHandler(HttpApi::failure));
        routes.verify();
        // A path or query that cannot be decoded fails before any route matches, so only an error handler sees it.
        router.errorHandler(400, ctx -> Replies.error(ctx, ApiException.invalid(null, MALFORMED)));
        router.errorHandler(404, ctx -> Replies.error(ctx, ApiException.notFound("no such route: " + ctx.request().path())));
        router.errorHandler(405, ctx -> Replies.error(ctx,
                new ApiException(405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.request().path(), null, null)));
        router.errorHandler(413, ctx -> Replies.error(ctx,
                new ApiException(413, "too_large", "the body is larger than " + MAX_BODY + " bytes", null, null)));
        router.errorHandler(500, HttpApi::failure);
        return router;
    }

    /** Each declared route of {@code router} as {@code "METHOD path"}, with what it needs (for tests and docs). */
    public static java.util.Map<String, Need> declaredRoutes(Router router) {
        java.util.Map<String, Need> all = new java.util.TreeMap<>();
        for (io.vertx.ext.web.Route r : router.getRoutes()) {
            if (r.getMetadata(Routes.NEED) instanceof Need need) {
                r.methods().forEach(m -> all.put(m.name() + " " + r.getPath(), need));
            }
        }
        return all;
    }

    private static void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        int status = ctx.statusCode();
        // Vert.x fails what it cannot read (bad percent-encoding in the query, no Host header) with a 4xx status and
        // an exception of its own: that is the client's fault, so answer by the status, not as an internal error.
        if (t != null && (t instanceof ApiException || status < 400 || status >= 500)) {
            Replies.error(ctx, t);
            return;
        }
        switch (status) {
            case 404 -> Replies.error(ctx, ApiException.notFound("no such route: " + ctx.request().path()));
            case 405 -> Replies.error(ctx, new ApiException(405, "method_not_allowed", "method not allowed", null, null));
            case 413 -> Replies.error(ctx, new ApiException(413, "too_large", "the body is larger than " + MAX_BODY + " bytes", null, null));
            case 415 -> Replies.error(ctx, new ApiException(415, "unsupported_media_type", "the body must be application/json", null, null));
            case 400 -> Replies.error(ctx, ApiException.invalid(null, MALFORMED));
            default -> Replies.error(ctx, new ApiException(status >= 400 ? status : 500, "internal", "request failed", null, null));
        }
    }

    private static final java.util.Set<HttpMethod> KNOWN_METHODS = java.util.Set.of(HttpMethod.GET, HttpMethod.PUT,
            HttpMethod.POST, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PATCH);

    /** The method is client data: any token is a valid method, so unknown ones share one series. */
    private static String methodTag(HttpMethod method) {
        return KNOWN_METHODS.contains(method) ? method.name() : "other";
    }

    /**
     * For {@code HttpServer.invalidRequestHandler}: what the HTTP codec refuses before routing (a request line or
     * headers over the server's limits, a malformed request) still gets the contract's JSON error. The connection
     * is closed afterwards, as the codec's state cannot be trusted.
     */
    public static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String code;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            code = "too_large";
            message = "the request line is too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            code = "too_large";
            message = "the request headers are too large";
        } else {
            status = 400;
            code = "invalid_argument";
            message = "malformed HTTP request";
        }
        String body = "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}";
        request.response().setStatusCode(status).putHeader("Content-Type", Replies.JSON).putHeader("Connection", "close")
                .end(body).onComplete(done -> request.connection().close());
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
                        .tag("method", methodTag(ctx.request().method()))
                        .tag("status", String.valueOf(ctx.response().getStatusCode()))
                        .publishPercentileHistogram(false)
                        .register(meters)
                        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            });
            ctx.next();
        };
    }
}
