package io.muster.server.http;

import io.muster.server.lease.Heartbeats;
import io.muster.server.write.Writes;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Status;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Register, deregister and heartbeat: the calls that change an instance. */
final class InstanceWrites {
    private final Writes writes;
    private final Heartbeats heartbeats;

    InstanceWrites(Writes writes, Heartbeats heartbeats) {
        this.writes = writes;
        this.heartbeats = heartbeats;
    }

    void register(RoutingContext ctx) {
        String service = Params.service(ctx);
        String id = Params.instanceId(ctx);
        InstanceSpec spec = RegistrationParser.parse(Bodies.jsonBody(ctx, true));
        submit(ctx, new Command.Register(service, id, spec), "");
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
                    } else if (r.code() != Result.Code.OK) {
                        Replies.error(ctx, ApiException.invalid(null, "the registry refused the change"));
                    } else {
                        ctx.response().putHeader("X-Muster-Index", String.valueOf(r.index()));
                        Replies.json(ctx, 200, Map.of("index", r.index()));
                    }
                })
                .onFailure(t -> Replies.error(ctx, t));
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
