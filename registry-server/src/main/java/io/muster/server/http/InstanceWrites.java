package io.muster.server.http;

import io.muster.server.lease.Heartbeats;
import io.muster.server.write.Writes;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.server.check.CheckTargets;
import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Status;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Register, deregister and heartbeat: the calls that change an instance. */
final class InstanceWrites {
    private final Writes writes;
    private final Heartbeats heartbeats;
    private final HttpLimits limits;

    InstanceWrites(Writes writes, Heartbeats heartbeats, HttpLimits limits) {
        this.writes = writes;
        this.heartbeats = heartbeats;
        this.limits = limits;
    }

    /**
     * Validates, judges an HTTP/TCP check's target (a name is resolved off the event loop, design rule 14), then
     * proposes the registration with this member's quotas. A name that does not resolve yet is accepted: the
     * probe judges it again each time, and reports it critical until it resolves to an allowed address.
     */
    void register(RoutingContext ctx) {
        String service = Params.service(ctx);
        String id = Params.instanceId(ctx);
        InstanceSpec spec = RegistrationParser.parse(Bodies.jsonBody(ctx, true));
        Command.Register command = new Command.Register(service, id, spec, limits.quota());
        var target = spec.check() == null ? java.util.Optional.<CheckTargets.Target>empty() : CheckTargets.target(spec.check());
        if (target.isEmpty()) {
            submit(ctx, command, "");
            return;
        }
        String field = spec.check() instanceof Check.Http ? "check.http" : "check.tcp";
        Future.fromCompletionStage(limits.checkTargets().atRegistration(target.get()), ctx.vertx().getOrCreateContext())
                .onSuccess(verdict -> {
                    if (verdict instanceof CheckTargets.Verdict.Refused r) {
                        Replies.error(ctx, ApiException.invalid(field, "the check target is refused: " + r.reason()));
                    } else {
                        submit(ctx, command, "");
                    }
                })
                .onFailure(t -> Replies.error(ctx, t));
    }

    void deregister(RoutingContext ctx) {
        String service = Params.service(ctx);
        String id = Params.instanceId(ctx);
        submit(ctx, new Command.Deregister(service, id), "instance " + id + " of service " + service + " is not registered");
    }

    private void submit(RoutingContext ctx, Command command, String notFoundMessage) {
        Future.fromCompletionStage(writes.submit(command), ctx.vertx().getOrCreateContext())
                .onSuccess(r -> {
                    if (r.code() == Result.Code.NOT_FOUND) {
                        Replies.error(ctx, ApiException.notFound(notFoundMessage));
                    } else if (quotaName(r.code()) != null) {
                        String quota = quotaName(r.code());
                        limits.metrics().quotaExceeded(quota, "a registration was refused with 429 quota_exceeded");
                        Replies.error(ctx, ApiException.quotaExceeded("the " + quota + " quota is reached (--max-" + quota
                                + "); remove something first"));
                    } else if (r.code() != Result.Code.OK) {
                        Replies.error(ctx, ApiException.invalid(null, "the registry refused the change"));
                    } else {
                        ctx.response().putHeader("X-Muster-Index", String.valueOf(r.index()));
                        Replies.json(ctx, 200, Map.of("index", r.index()));
                    }
                })
                .onFailure(t -> Replies.error(ctx, t));
    }

    /** The quota a result code names (as in its flag, --max-NAME), or null. */
    private static String quotaName(Result.Code code) {
        return switch (code) {
            case QUOTA_SERVICES -> "services";
            case QUOTA_INSTANCES -> "instances";
            case QUOTA_INSTANCES_PER_SERVICE -> "instances-per-service";
            default -> null;
        };
    }

    /** The optional heartbeat body. */
    record HeartbeatBody(String status, String note) {
    }

    void heartbeat(RoutingContext ctx) {
        String service = Params.service(ctx);
        String id = Params.instanceId(ctx);
        byte[] body = Bodies.jsonBody(ctx, false);
        Status status = Status.PASSING;
        String note = "";
        if (body.length > 0) {
            HeartbeatBody hb = Bodies.parse(body, HeartbeatBody.class);
            if (hb.status() != null) {
                status = Status.parse(hb.status()).orElseThrow(() ->
                        ApiException.invalid("status", "status must be passing, warning or critical"));
            }
            if (hb.note() != null) {
                if (hb.note().length() > 1024) {
                    throw ApiException.invalid("note", "note must be at most 1024 characters");
                }
                note = hb.note();
            }
        }
        Future.fromCompletionStage(heartbeats.renew(service, id, status, note), ctx.vertx().getOrCreateContext())
                .onSuccess(found -> {
                    if (found) {
                        Replies.json(ctx, 200, Map.of());
                    } else {
                        Replies.error(ctx, ApiException.notFound("instance " + id + " of service " + service
                                + " is not registered with a ttl check; register it again"));
                    }
                })
                .onFailure(t -> Replies.error(ctx, t));
    }
}
