package io.muster.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.muster.store.model.Json;
import io.muster.store.raft.NoLeaderException;
import io.muster.store.raft.OutcomeUnknownException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON answers and the contract's error bodies. */
final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
    static final String JSON = "application/json; charset=utf-8";

    private Replies() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = encode(body);
        } catch (ApiException e) {
            error(ctx, e);
            return;
        }
        json(ctx, status, bytes);
    }

    /** Writes an answer already encoded as JSON. */
    static void json(RoutingContext ctx, int status, byte[] body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(Buffer.buffer(body));
    }

    static byte[] encode(Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(500, "internal", "could not encode the answer", null, null);
        }
    }

    static void error(RoutingContext ctx, Throwable failure) {
        ApiException e = toApi(failure);
        if (e.status() >= 500 && !"no_leader".equals(e.code()) && !"unavailable".equals(e.code())) {
            LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
        }
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        if (e.retryAfterSeconds() != null) {
            ctx.response().putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        json(ctx, e.status(), body);
    }

    static ApiException toApi(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ApiException api) {
            return api;
        }
        if (t instanceof NoLeaderException) {
            return ApiException.noLeader("no leader reachable: " + t.getMessage());
        }
        if (t instanceof io.muster.store.raft.CatchingUpException) {
            return ApiException.unavailable(t.getMessage());
        }
        if (t instanceof OutcomeUnknownException) {
            // Never no_leader, which says "not applied": this write may have been (docs/consistency.md).
            return ApiException.unavailable("outcome unknown: " + t.getMessage());
        }
        return new ApiException(500, "internal", "internal error", null, null);
    }
}
