package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.muster.store.message.MessageKind;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat router on fake time, with the leader's {@link LeaseManager} on a fake log and the Raft lease read
 * replaced by a direct call to the serving router: which path a batch takes, its deadline, and a leader of an older
 * build that does not know the deadline kind.
 */
class HeartbeatRouterTest {
    private final FakeCluster cluster = new FakeCluster(3,
            FakeCluster.settings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3)));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The leader's wall clock; the sender's runs {@link #senderSkewMs} apart. */
    private long leaderWall = 1_700_000_000_000L;
    private long senderSkewMs;
    private final List<String> sent = new ArrayList<>();

    private Clock clockAt(java.util.function.LongSupplier millis) {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.getAsLong());
            }
        };
    }

    private final HeartbeatRouter leaderSide;

    HeartbeatRouterTest() {
        cluster.elect(cluster.member(0), true);
        cluster.advance(3_200);
        cluster.register("api", "a", Duration.ofSeconds(10));
        leaderSide = new HeartbeatRouter(reads(false, (k, p) -> CompletableFuture.failedFuture(new AssertionError())),
                cluster.member(0).leases, clockAt(() -> leaderWall), meters);
    }

    /** Reads as this member sees them: {@code here} serves on {@link #leaderSide}, {@code atLeader} as given. */
    private LeaseReads reads(boolean leads, BiFunction<MessageKind, byte[], CompletableFuture<byte[]>> atLeader) {
        return new LeaseReads() {
            @Override
            public boolean leadsHere() {
                return leads;
            }

            @Override
            public CompletableFuture<byte[]> here(MessageKind kind, byte[] payload) {
                sent.add("here " + kind);
                return serve(kind, payload);
            }

            @Override
            public CompletableFuture<byte[]> atLeader(MessageKind kind, byte[] payload) {
                sent.add("leader " + kind);
                return atLeader.apply(kind, payload);
            }
        };
    }

    private CompletableFuture<byte[]> serve(MessageKind kind, byte[] payload) {
        return switch (kind) {
            case HEARTBEATS_BEFORE_DEADLINE -> leaderSide.serveBeforeDeadline(payload);
            case FORWARDED_HEARTBEATS -> leaderSide.serveForwarded(payload);
            default -> CompletableFuture.failedFuture(new AssertionError(kind));
        };
    }

    private HeartbeatRouter sender(LeaseReads reads) {
        return new HeartbeatRouter(reads, cluster.member(1).leases, clockAt(() -> leaderWall + senderSkewMs), meters);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void theLeaderRenewsInProcessAndAFollowerThroughTheLeader() {
        HeartbeatRouter onLeader = sender(reads(true, (k, p) -> CompletableFuture.failedFuture(new AssertionError())));
        assertTrue(onLeader.renew("api", "a", Status.WARNING, "disk").join());
        assertEquals(List.of("here HEARTBEATS_BEFORE_DEADLINE"), sent);
        assertEquals(Status.WARNING, cluster.status("api", "a"));

        sent.clear();
        HeartbeatRouter onFollower = sender(reads(false, this::serve));
        assertTrue(onFollower.renew("api", "a", Status.PASSING, "").join());
        assertFalse(onFollower.renew("api", "nobody", Status.PASSING, "").join());
        assertEquals("leader HEARTBEATS_BEFORE_DEADLINE", sent.get(0));
        assertEquals(Status.PASSING, cluster.status("api", "a"));
    }

    @Test
    void aBatchThatReachesTheLeaderPastItsDeadlineRenewsNothing() {
        // Held up 3.2 s on the way (a partition, or a resend after a failover): its client was answered 503 already.
        HeartbeatRouter onFollower = sender(reads(false, (k, p) -> {
            leaderWall += 3_200;
            return serve(k, p);
        }));
        Throwable e = failure(onFollower.renew("api", "a", Status.WARNING, "late"));
        assertTrue(e.getMessage().contains("after their deadline"), e.getMessage());
        // A renewal would have set the status it carried.
        assertEquals(Status.PASSING, cluster.status("api", "a"));
        assertEquals(1.0, meters.get("muster_forwarded_heartbeats_refused_late").counter().count());

        // Within the budget it renews; a sender clock 1 s ahead only lengthens the window by that second.
        senderSkewMs = 1_000;
        HeartbeatRouter slowButInTime = sender(reads(false, (k, p) -> {
            leaderWall += 3_900;
            return serve(k, p);
        }));
        assertTrue(slowButInTime.renew("api", "a", Status.WARNING, "in time").join());
        assertEquals(Status.WARNING, cluster.status("api", "a"));
    }

    @Test
    void aLeaderOfAnOlderBuildGetsTheBatchInTheFormItReads() {
        HeartbeatRouter onFollower = sender(reads(false, (k, p) -> k == MessageKind.HEARTBEATS_BEFORE_DEADLINE
                ? CompletableFuture.failedFuture(new NoLeaderException("forward refused by the leader: unknown member "
                + "message kind 0x42 (this member is an older or different build)", null))
                : serve(k, p)));
        assertTrue(onFollower.renew("api", "a", Status.WARNING, "old leader").join());
        assertEquals(List.of("leader HEARTBEATS_BEFORE_DEADLINE", "leader FORWARDED_HEARTBEATS"), sent);
        assertEquals(Status.WARNING, cluster.status("api", "a"));
    }

    @Test
    void aFollowerOrMalformedBatchIsRefusedAndAFailedForwardFailsTheHeartbeat() {
        assertInstanceOf(IllegalArgumentException.class, failure(leaderSide.serveBeforeDeadline(new byte[3])));
        byte[] garbage = java.nio.ByteBuffer.allocate(12).putLong(leaderWall + 1000).putInt(0x7b7b7b7b).array();
        assertInstanceOf(IllegalArgumentException.class, failure(leaderSide.serveBeforeDeadline(garbage)));
        assertInstanceOf(IllegalArgumentException.class, failure(leaderSide.serveForwarded("[{".getBytes())));

        // Served by a member that is not the leader: each beat answers "not leader", the heartbeat fails as no_leader.
        HeartbeatRouter notLeader = new HeartbeatRouter(reads(false, (k, p) -> CompletableFuture.failedFuture(new AssertionError())),
                cluster.member(2).leases, clockAt(() -> leaderWall), meters);
        HeartbeatRouter onFollower = sender(reads(false, (k, p) -> notLeader.serveBeforeDeadline(p)));
        assertInstanceOf(NoLeaderException.class, failure(onFollower.renew("api", "a", Status.PASSING, "")));

        HeartbeatRouter cutOff = sender(reads(false, (k, p) -> CompletableFuture.failedFuture(
                new NoLeaderException("forward failed: timed out waiting for a leader", null))));
        assertInstanceOf(NoLeaderException.class, failure(cutOff.renew("api", "a", Status.PASSING, "")));
    }
}
