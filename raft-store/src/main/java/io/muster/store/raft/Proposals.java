package io.muster.store.raft;

import io.muster.store.command.Command;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Getting commands into the replicated log, from any member. Writers need only this, not the rest of Raft: batchers
 * and the lease manager propose, and unit tests answer them from a fake log. Over Ratis: {@link RaftNode}.
 */
public interface Proposals {
    /** How long a proposal, or a request bound for the leader, may take before it answers {@code no_leader}. */
    Duration WRITE_DEADLINE = RaftNode.WRITE_DEADLINE;
    /** Largest log entry a proposal may make, which bounds the size of a restorable backup. */
    int MAX_ENTRY_BYTES = RaftNode.MAX_ENTRY_BYTES;

    /**
     * Proposes one entry holding {@code commands}; completes with its index and each command's outcome once it is
     * committed and applied on this member (a read here right after sees it). Fails with {@link NoLeaderException}
     * when it provably did not run, {@link OutcomeUnknownException} when it may have.
     */
    CompletableFuture<Committed> submit(List<Command> commands);

    /** Completes once this member has applied {@code index} (a write another member committed, say). */
    CompletableFuture<Long> applied(long index);
}
