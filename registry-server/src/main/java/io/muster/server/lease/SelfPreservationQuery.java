package io.muster.server.lease;

import io.muster.store.message.MessageKind;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.MemberChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Whether self-preservation holds expiries now. Only the leader expires leases, so only its {@link LeaseManager}
 * knows; a follower asks it with a leader-bound query (one byte each way, not a log entry), so every member's
 * {@code GET /v1/operator/self-preservation} and UI banner tell the truth.
 */
public final class SelfPreservationQuery {
    private final Leadership leadership;
    private final MemberChannel channel;
    private final LeaseManager leases;

    public SelfPreservationQuery(Leadership leadership, MemberChannel channel, LeaseManager leases) {
        this.leadership = leadership;
        this.channel = channel;
        this.leases = leases;
    }

    /** The leader's answer; fails with the node's no-leader error when no leader is reachable. */
    public CompletableFuture<Boolean> active() {
        if (leadership.isLeader()) {
            return CompletableFuture.completedFuture(leases.selfPreservationActive());
        }
        // Bounded: with no leader the client would keep retrying, and an operator's page must not hang on it.
        return channel.askLeader(MessageKind.SELF_PRESERVATION, new byte[0]).orTimeout(3, java.util.concurrent.TimeUnit.SECONDS)
                .thenApply(answer -> answer.length == 1 && answer[0] == 1);
    }

    /** Serves a follower's question ({@link MessageKind#SELF_PRESERVATION}). */
    public CompletableFuture<byte[]> serve(byte[] body) {
        return CompletableFuture.completedFuture(new byte[] {(byte) (leases.selfPreservationActive() ? 1 : 0)});
    }
}
