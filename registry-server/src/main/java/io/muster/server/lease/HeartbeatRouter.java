package io.muster.server.lease;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.muster.server.write.BatchingQueue;
import io.muster.store.message.MessageKind;
import io.muster.store.model.Json;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers heartbeats to the leader's {@link LeaseManager}, batched into one lease-checked read (not a log entry)
 * per round trip through a {@link BatchingQueue}: in-process on the leader, forwarded from a follower, so that only
 * a leader holding its lease renews. Each batch carries a deadline: a batch held up in the network or resent after
 * a failover past it renews nothing, so a heartbeat whose client has given up cannot renew a lease later.
 */
public final class HeartbeatRouter implements Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatRouter.class);
    private static final byte UNKNOWN = 0;
    private static final byte RENEWED = 1;
    private static final byte NOT_LEADER = 2;
    private static final int MAX_BATCH = 1000;
    /**
     * One batch at a time per member: the leader answers a batch from memory, so waiting for it costs little, and
     * bigger batches cost less per heartbeat. With 10,000 TTL instances, 32 in flight: 1 in flight gave
     * 2,013-2,238 heartbeats/s, 4 gave 1,443-1,867, 2 gave 1,884-2,111 (docs/benchmarks.md).
     */
    private static final int MAX_IN_FLIGHT = 1;
    /**
     * How long after leaving its member a batch may still renew on the leader. A heartbeat not answered within it
     * fails here (503, outcome unknown) no later than the leader stops accepting it, give or take the clock skew
     * between the two members, so an unknown heartbeat never renews after its client saw it end. Shorter than the
     * 5 s a typical client waits, longer than a leader change takes to be noticed.
     */
    static final Duration BUDGET = Duration.ofSeconds(3);
    private static final String UNKNOWN_KIND = "unknown member message kind";
    private static final TypeReference<List<Beat>> BEATS = new TypeReference<>() {
    };
    /** Built once: resolving the generic type per batch showed in the leader's profile. */
    private static final ObjectReader BEATS_READER = Json.mapper().readerFor(BEATS);
    private static final ObjectWriter BEATS_WRITER = Json.mapper().writerFor(BEATS);

    /** One heartbeat on the wire between members. */
    record Beat(String service, String id, Status status, String note) {
    }

    private final LeaseReads reads;
    private final LeaseManager leases;
    private final Clock clock;
    private final Counter refusedLate;
    private final BatchingQueue<Beat, Byte> batches = new BatchingQueue<>(MAX_BATCH, MAX_IN_FLIGHT, BUDGET, this::send);

    /** @param clock wall clock for the deadline both members read (skew between them shifts it, see {@link #BUDGET}) */
    public HeartbeatRouter(LeaseReads reads, LeaseManager leases, Clock clock, MeterRegistry meters) {
        this.reads = reads;
        this.leases = leases;
        this.clock = clock;
        this.refusedLate = Counter.builder("muster_forwarded_heartbeats_refused_late")
                .description("heartbeats the leader refused because their batch arrived after its deadline")
                .register(meters);
    }

    /**
     * Every heartbeat, on the leader too, reaches the lease table through the leader's lease check: a leader cut off
     * from the majority still believes it leads until it notices (seconds on a loaded host); answered from its own
     * memory, it acknowledged renewals the new leader never saw (the instance then expired while its heartbeats were
     * acknowledged) and answered {@code 404} for instances registered through the new leader.
     */
    @Override
    public CompletableFuture<Boolean> renew(String service, String id, Status status, String note) {
        return batches.submit(new Beat(service, id, status, note)).thenApply(answer -> {
            if (answer == NOT_LEADER) {
                throw new NoLeaderException("leader changed while forwarding heartbeats", null);
            }
            return answer == RENEWED;
        });
    }

    private CompletableFuture<List<Byte>> send(List<Beat> beats) {
        byte[] json;
        try {
            json = BEATS_WRITER.writeValueAsBytes(beats);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        long deadline = clock.millis() + BUDGET.toMillis();
        byte[] payload = ByteBuffer.allocate(8 + json.length).putLong(deadline).put(json).array();
        CompletableFuture<byte[]> answer = reads.leadsHere()
                ? reads.here(MessageKind.HEARTBEATS_BEFORE_DEADLINE, payload)
                : reads.atLeader(MessageKind.HEARTBEATS_BEFORE_DEADLINE, payload).exceptionallyCompose(e -> {
                    // A leader of an older build (a rolling upgrade) refuses the new kind by name: resend as it reads.
                    if (String.valueOf(e.getMessage()).contains(UNKNOWN_KIND)) {
                        return reads.atLeader(MessageKind.FORWARDED_HEARTBEATS, json);
                    }
                    return CompletableFuture.failedFuture(e);
                });
        return answer.thenApply(bytes -> {
            if (bytes.length != beats.size()) {
                throw new NoLeaderException("leader changed while forwarding heartbeats", null);
            }
            List<Byte> out = new ArrayList<>(bytes.length);
            for (byte b : bytes) {
                out.add(b);
            }
            return out;
        });
    }

    /**
     * Serves a batch with a deadline ({@link MessageKind#HEARTBEATS_BEFORE_DEADLINE}); one past it is refused whole,
     * renewing nothing.
     */
    public CompletableFuture<byte[]> serveBeforeDeadline(byte[] payload) {
        if (payload.length < 8) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("heartbeats without a deadline: "
                    + payload.length + " bytes"));
        }
        long late = clock.millis() - ByteBuffer.wrap(payload, 0, 8).getLong();
        if (late > 0) {
            List<Beat> beats;
            try {
                beats = decode(Arrays.copyOfRange(payload, 8, payload.length));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(e);
            }
            refusedLate.increment(beats.size());
            LOG.warn("Refused {} heartbeat(s) that arrived {} ms after their deadline (held up in the network, or resent "
                    + "after a failover)", beats.size(), late);
            return CompletableFuture.failedFuture(new IllegalArgumentException("heartbeats arrived " + late
                    + " ms after their deadline; none renewed"));
        }
        return serveForwarded(Arrays.copyOfRange(payload, 8, payload.length));
    }

    /** Serves a batch as older builds forward it ({@link MessageKind#FORWARDED_HEARTBEATS}): no deadline. */
    public CompletableFuture<byte[]> serveForwarded(byte[] body) {
        List<Beat> beats;
        try {
            beats = decode(body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
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

    private static List<Beat> decode(byte[] json) {
        try {
            return BEATS_READER.readValue(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed forwarded heartbeats", e);
        }
    }
}
