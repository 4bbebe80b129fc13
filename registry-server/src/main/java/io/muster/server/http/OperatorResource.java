package io.muster.server.http;

import io.muster.server.lease.LeaseManager;
import io.muster.store.command.Command;
import io.muster.store.model.Json;
import io.muster.store.raft.Proposals;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/operator/self-preservation}: an operator's switch, replicated so that every future leader obeys it.
 * Switching it off while it holds expiries lets them proceed at the next scan.
 */
final class OperatorResource {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorResource.class);
    private final Proposals proposals;
    private final LeaseManager leases;
    private final io.muster.server.lease.SelfPreservationQuery active;

    OperatorResource(Proposals proposals, io.muster.server.lease.SelfPreservationQuery active, LeaseManager leases) {
        this.proposals = proposals;
        this.leases = leases;
        this.active = active;
    }

    record Switch(Boolean enabled) {
    }

    void get(RoutingContext ctx) {
        reply(ctx);
    }

    void set(RoutingContext ctx) {
        Switch s;
        try {
            s = Json.mapper().readValue(Bodies.jsonBody(ctx, true), Switch.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw ApiException.invalid("enabled", "body must be {\"enabled\": true|false}");
        } catch (java.io.IOException e) {
            throw ApiException.invalid(null, "malformed JSON");
        }
        if (s == null || s.enabled() == null) {
            throw ApiException.invalid("enabled", "body must be {\"enabled\": true|false}");
        }
        Command c = io.muster.store.command.ReplicatedOption.SELF_PRESERVATION.set(s.enabled());
        Future.fromCompletionStage(proposals.submit(List.of(c)), ctx.vertx().getOrCreateContext())
                .onSuccess(committed -> {
                    LOG.warn("Operator switched self-preservation {}", s.enabled() ? "on" : "off");
                    reply(ctx);
                })
                .onFailure(t -> Replies.error(ctx, t));
    }

    /** The replicated switch, and whether the leader (the only member that expires leases) holds expiries now. */
    private void reply(RoutingContext ctx) {
        Future.fromCompletionStage(active.active(), ctx.vertx().getOrCreateContext())
                .onSuccess(holding -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("enabled", leases.selfPreservationEnabled());
                    body.put("active", holding);
                    Replies.json(ctx, 200, body);
                })
                .onFailure(t -> {
                    Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
                    Replies.error(ctx, cause instanceof java.util.concurrent.TimeoutException
                            ? ApiException.noLeader("no leader answered whether self-preservation is active") : cause);
                });
    }
}
