package io.muster.store.raft;

import io.muster.store.message.MessageKind;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Member-to-member requests that are not log entries (forwarded writes and heartbeats, leader-only questions), keyed
 * by a {@link MessageKind}. The variants differ in what they promise about running twice and about the leader's
 * lease; a feature picks the one its request can bear. Failures are {@link NoLeaderException} (not run) or
 * {@link OutcomeUnknownException} (may have run). Over Ratis: {@link RaftNode}, as leader-bound read-only queries.
 */
public interface MemberChannel {

    /** Serves requests of {@code kind} when this member leads; a kind without a handler is refused. */
    void handle(MessageKind kind, Function<byte[], CompletableFuture<byte[]>> handler);

    /** Runs at the leader; may be resent after a failover, so only for requests that may run twice. */
    CompletableFuture<byte[]> askLeader(MessageKind kind, byte[] payload);

    /** Runs at the leader and is resent only when the leader provably did not run it (forwarded writes). */
    CompletableFuture<byte[]> askLeaderOnce(MessageKind kind, byte[] payload);

    /** Runs only on a leader that holds its lease, after it applied everything before; may be resent. */
    CompletableFuture<byte[]> askLeaderHoldingLease(MessageKind kind, byte[] payload);

    /** {@link #askLeaderHoldingLease} on this member, which leads, in-process; not resent. */
    CompletableFuture<byte[]> askHereHoldingLease(MessageKind kind, byte[] payload);
}
