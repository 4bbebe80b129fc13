package io.muster.server.lease;

import com.fasterxml.jackson.core.type.TypeReference;
import io.muster.server.write.BatchingQueue;
import io.muster.store.message.MessageKind;
import io.muster.store.model.Json;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import io.muster.store.raft.RaftNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers heartbeats to the leader's {@link LeaseManager}, batched into one leader-bound query (not a log entry)
 * per round trip through a {@link BatchingQueue}, from the leader itself as from a follower, so that only a leader
 * holding its lease renews.
 */
public final class HeartbeatRouter implements Heartbeats {
    private static final byte UNKNOWN = 0;
    private static final byte RENEWED = 1;
    private static final byte NOT_LEADER = 2;
    private static final int MAX_BATCH = 1000;
    /**
     * One forwarded batch at a time per follower: the leader answers a batch from memory, so waiting for it costs
     * little, and bigger batches cost less per heartbeat. With 10,000 TTL instances, 32 in flight: 1 in flight gave
     * 2,013-2,238 heartbeats/s, 4 gave 1,443-1,867, 2 gave 1,884-2,111 (docs/benchmarks.md).
     */
    private static final int MAX_IN_FLIGHT = 1;
    private static final TypeReference<List<Beat>> BEATS = new TypeReference<>() {
    };

    /** One heartbeat on the wire between members. */
    record Beat(String service, String id, Status status, String note) {
    }

    private final RaftNode node;
    private final LeaseManager leases;
    private final BatchingQueue<Beat, Byte> forwards = new BatchingQueue<>(MAX_BATCH, MAX_IN_FLIGHT, RaftNode.WRITE_DEADLINE, this::forward);

    public HeartbeatRouter(RaftNode node, LeaseManager leases) {
        this.node = node;
        this.leases = leases;
    }

    /**
     * Every heartbeat, on the leader too, reaches the lease table through the leader's lease check
     * ({@link RaftNode#askLeaderHoldingLease}): a leader cut off from the majority still believes it leads until it
     * notices (seconds on a loaded host); answered from its own memory, it acknowledged renewals the new leader never
     * saw (the instance then expired while its heartbeats were acknowledged) and answered {@code 404} for instances
     * registered through the new leader.
     */
    @Override
    public CompletableFuture<Boolean> renew(String service, String id, Status status, String note) {
        return forwards.submit(new Beat(service, id, status, note)).thenApply(answer -> {
            if (answer == NOT_LEADER) {
                throw new NoLeaderException("leader changed while forwarding heartbeats", null);
            }
            return answer == RENEWED;
        });
    }

    private CompletableFuture<List<Byte>> forward(List<Beat> beats) {
        byte[] json;
        try {
            json = Json.mapper().writerFor(BEATS).writeValueAsBytes(beats);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return node.askLeaderHoldingLease(MessageKind.FORWARDED_HEARTBEATS, json).thenApply(answer -> {
            if (answer.length != beats.size()) {
                throw new NoLeaderException("leader changed while forwarding heartbeats", null);
            }
            List<Byte> out = new ArrayList<>(answer.length);
            for (byte b : answer) {
                out.add(b);
            }
            return out;
        });
    }

    /** Serves heartbeats forwarded by followers ({@link MessageKind#FORWARDED_HEARTBEATS}). */
    public CompletableFuture<byte[]> serveForwarded(byte[] body) {
        List<Beat> beats;
        try {
            beats = Json.mapper().readerFor(BEATS).readValue(body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("malformed forwarded heartbeats", e));
        }
        byte[] answer = new byte[beats.size()];
        for (int i = 0; i < answer.length; i++) {
            Beat b = beats.get(i);
            try {
                answer[i] = leases.renew(b.service(), b.id(), b.status(), b.note() == null ? "" : b.note()) ? RENEWED : UNKNOWN;
            } catch (NoLeaderException e) {
                answer[i] = NOT_LEADER;
            }
        }
        return CompletableFuture.completedFuture(answer);
    }
}
