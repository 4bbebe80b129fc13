package io.muster.server.http;

import io.muster.store.catalog.CatalogView;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.ReadBarrier;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Liveness and readiness for orchestrators and load balancers. */
final class HealthResource {
    private final CatalogView catalog;
    private final ReadBarrier reads;
    private final Leadership leadership;
    private final java.util.function.BooleanSupplier shuttingDown;

    HealthResource(CatalogView catalog, ReadBarrier reads, Leadership leadership, java.util.function.BooleanSupplier shuttingDown) {
        this.catalog = catalog;
        this.reads = reads;
        this.leadership = leadership;
        this.shuttingDown = shuttingDown;
    }

    void live(RoutingContext ctx) {
        Replies.json(ctx, 200, Map.of("status", "live"));
    }

    /** Ready: a leader is known and this node has applied what it knows to be committed (within 1 s). */
    void ready(RoutingContext ctx) {
        if (shuttingDown.getAsBoolean()) {
            Replies.error(ctx, ApiException.unavailable("shutting down"));
            return;
        }
        var failed = reads.applyFailure();
        if (failed.isPresent()) {
            Replies.error(ctx, ApiException.unavailable("this member stopped: " + failed.get().describe()));
            return;
        }
        if (leadership.leaderId().isEmpty()) {
            Replies.error(ctx, ApiException.unavailable("no known leader"));
            return;
        }
        long commit = reads.commitIndex();
        var applied = catalog.awaitApplied(commit).orTimeout(1, TimeUnit.SECONDS);
        Future.fromCompletionStage(applied, ctx.vertx().getOrCreateContext())
                .onSuccess(i -> Replies.json(ctx, 200, Map.of("status", "ready", "appliedIndex", catalog.appliedIndex())))
                .onFailure(t -> Replies.error(ctx, ApiException.unavailable(
                        "catching up: applied " + catalog.appliedIndex() + " of " + commit)));
    }
}
