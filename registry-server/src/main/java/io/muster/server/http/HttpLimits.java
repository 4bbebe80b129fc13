package io.muster.server.http;

import io.muster.server.check.CheckTargets;
import io.muster.server.limit.ClientCounter;
import io.muster.server.limit.ConnectionGuard;
import io.muster.server.limit.LimitMetrics;
import io.muster.server.limit.LimitSettings;
import io.muster.server.limit.RateLimiter;
import io.muster.store.command.Command;

/**
 * What the HTTP API enforces besides validation (design rules 19 and 20): check targets, quotas, the per-client
 * request rate and parked blocking queries.
 */
public record HttpLimits(LimitSettings settings, CheckTargets checkTargets, RateLimiter rate, ClientCounter blockingQueries,
                         ConnectionGuard connections, LimitMetrics metrics) {

    /**
     * First on every route: a request on a connection over {@code --max-connections} is refused (and the
     * connection closed), then one over the client's {@code --rate-limit}. Health probes are never limited: an
     * orchestrator must be able to tell a busy member from a dead one.
     */
    void admit(io.vertx.ext.web.RoutingContext ctx) {
        var conn = ctx.request().connection();
        connections.begin(conn);
        ctx.addEndHandler(v -> connections.end(conn));
        if (ctx.request().path().startsWith("/health/")) {
            ctx.next();
            return;
        }
        var over = connections.refusedRetryAfter(conn);
        if (over.isPresent()) {
            ctx.response().putHeader("Connection", "close");
            ctx.addEndHandler(v -> conn.close());
            Replies.error(ctx, ApiException.rateLimited("too many connections (--max-connections "
                    + settings.maxConnections() + ", per client " + settings.maxConnectionsPerClient() + ")", over.get()));
            return;
        }
        String client = Params.client(ctx);
        long wait = rate.retryAfterSeconds(client);
        if (wait > 0) {
            metrics.rateLimited(LimitMetrics.RATE, "client " + client + " exceeded --rate-limit " + (long) settings.rateLimit()
                    + "/s (burst " + settings.rateBurst() + ")");
            Replies.error(ctx, ApiException.rateLimited("more than " + (long) settings.rateLimit()
                    + " requests per second from this client (--rate-limit)", wait));
            return;
        }
        ctx.next();
    }

    /** The bounds a registration taken here carries into the log; null when every quota is off. */
    Command.Quota quota() {
        Command.Quota q = new Command.Quota(settings.maxServices(), settings.maxInstances(), settings.maxInstancesPerService());
        return q.unbounded() ? null : q;
    }
}
