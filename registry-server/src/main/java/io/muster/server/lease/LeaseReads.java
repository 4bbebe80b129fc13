package io.muster.server.lease;

import io.muster.store.message.MessageKind;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.MemberChannel;
import java.util.concurrent.CompletableFuture;

/**
 * How a batch of heartbeats reaches the leader's lease table: through the leader's Raft lease (a linearizable,
 * unlogged read), so that only a leader no other member can have replaced acknowledges a renewal. Over Raft:
 * {@link #over(Leadership, MemberChannel)}.
 */
public interface LeaseReads {

    /** Whether this member leads now (it may be wrong by the time the read runs; the read then fails). */
    boolean leadsHere();

    /** Runs the message on this member, which leads, in-process (no round trip to itself). */
    CompletableFuture<byte[]> here(MessageKind kind, byte[] payload);

    /** Sends the message to the leader; it may be resent after a failover. */
    CompletableFuture<byte[]> atLeader(MessageKind kind, byte[] payload);

    static LeaseReads over(Leadership leadership, MemberChannel channel) {
        return new LeaseReads() {
            @Override
            public boolean leadsHere() {
                return leadership.isLeader();
            }

            @Override
            public CompletableFuture<byte[]> here(MessageKind kind, byte[] payload) {
                return channel.askHereHoldingLease(kind, payload);
            }

            @Override
            public CompletableFuture<byte[]> atLeader(MessageKind kind, byte[] payload) {
                return channel.askLeaderHoldingLease(kind, payload);
            }
        };
    }
}
