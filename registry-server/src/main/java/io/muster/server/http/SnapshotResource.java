package io.muster.server.http;

import io.muster.store.catalog.CatalogView;
import io.muster.store.catalog.SnapshotData;
import io.muster.store.catalog.SnapshotFormat;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.raft.Consistency;
import io.muster.store.raft.Proposals;
import io.muster.store.raft.ReadBarrier;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/snapshot}: backup and restore. A backup is the same versioned file Raft snapshots use; a restore is
 * replicated like any write, so every member ends with the backup's catalog.
 */
final class SnapshotResource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotResource.class);
    /** A restore travels as one log entry, so the file may be at most one entry's size. */
    static final int MAX_SNAPSHOT_BYTES = Proposals.MAX_ENTRY_BYTES;

    private final CatalogView catalog;
    private final ReadBarrier reads;
    private final Proposals proposals;
    private final long maxInflated;

    /** @param maxInflated {@code --max-restore-size}: the most a restore may inflate to */
    SnapshotResource(CatalogView catalog, ReadBarrier reads, Proposals proposals, long maxInflated) {
        this.catalog = catalog;
        this.reads = reads;
        this.proposals = proposals;
        this.maxInflated = maxInflated;
    }

    /** Serves the leader's state as of the request (a default-consistency read), written off the event loop. */
    void save(RoutingContext ctx) {
        var context = ctx.vertx().getOrCreateContext();
        Future.fromCompletionStage(reads.readBarrier(Consistency.DEFAULT), context)
                .compose(applied -> ctx.vertx().executeBlocking(() -> {
                    SnapshotData data = catalog.export();
                    return Map.entry(data.appliedIndex(), SnapshotFormat.toBytes(data));
                }, false))
                .onSuccess(e -> ctx.response()
                        .putHeader("Content-Type", "application/octet-stream")
                        .putHeader("Content-Disposition", "attachment; filename=\"muster-" + e.getKey() + ".snapshot\"")
                        .putHeader("X-Muster-Index", String.valueOf(e.getKey()))
                        .end(Buffer.buffer(e.getValue())))
                .onFailure(t -> Replies.error(ctx, t));
    }

    /**
     * Checks the whole file before proposing it: a corrupt or truncated file is refused and changes nothing, and so
     * is one that inflates past {@code --max-restore-size} (413, naming the limit): a small gzip bomb must not
     * reach the log, where every member would inflate it on its apply thread (which bounds it again, see
     * {@link SnapshotFormat#MAX_INFLATED_BYTES}).
     */
    void restore(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().length() <= 0) {
            throw ApiException.invalid(null, "the body must be a Muster snapshot file");
        }
        byte[] bytes = ctx.body().buffer().getBytes();
        ctx.vertx().executeBlocking(() -> SnapshotFormat.read(bytes, maxInflated), false)
                .recover(t -> Future.failedFuture(t.getCause() instanceof SnapshotFormat.TooLargeException
                        ? ApiException.tooLarge("the snapshot inflates to more than " + maxInflated
                                + " bytes (--max-restore-size); nothing was restored")
                        : ApiException.invalid(null, "not a usable snapshot: " + t.getMessage())))
                .compose(data -> Future.fromCompletionStage(proposals.submit(List.of(new Command.Restore(bytes))), ctx.vertx().getOrCreateContext())
                        .map(committed -> {
                            if (committed.codes().get(0) != Result.Code.OK) {
                                throw ApiException.invalid(null, "the snapshot was refused");
                            }
                            long instances = data.services().stream().mapToLong(s -> s.instances().size()).sum();
                            LOG.info("Restored a backup at index {}: {} services, {} instances", committed.index(),
                                    data.services().size(), instances);
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("index", committed.index());
                            body.put("services", data.services().size());
                            body.put("instances", instances);
                            return body;
                        }))
                .onSuccess(body -> Replies.json(ctx, 200, body))
                .onFailure(t -> Replies.error(ctx, t));
    }
}
