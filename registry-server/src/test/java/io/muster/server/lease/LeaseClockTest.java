package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import io.muster.store.model.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, defect 3: leases ran on the wall clock, so an NTP step back by D stopped expiries for D and a step
 * forward expired everything at once. Durations now run on each member's monotonic clock; the wall clock only
 * stamps entries, and a checkpoint carries renewal ages relative to its entry's stamp.
 */
class LeaseClockTest {
    private static final long HOUR = 3_600_000;
    private final FakeCluster cluster = new FakeCluster(3,
            FakeCluster.settings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3)));

    private FakeCluster.Member leaderWithOneLease(long ttlMs) {
        FakeCluster.Member n1 = cluster.member(0);
        cluster.elect(n1, true);
        cluster.advance(3_200);
        cluster.register("api", "a", Duration.ofMillis(ttlMs));
        cluster.advance(200);
        assertTrue(cluster.heartbeat("api", "a"));
        return n1;
    }

    @Test
    void wallClockSteppedBackAnHourDoesNotStopExpiry() {
        FakeCluster.Member n1 = leaderWithOneLease(10_000);
        cluster.advance(1_000);
        n1.wallSkew = -HOUR;
        cluster.advance(9_400);
        assertEquals(Status.CRITICAL, cluster.status("api", "a"));
    }

    @Test
    void wallClockSteppedForwardAnHourExpiresNothingEarly() {
        FakeCluster.Member n1 = leaderWithOneLease(10_000);
        cluster.advance(1_000);
        n1.wallSkew = HOUR;
        cluster.advance(8_000);
        assertEquals(Status.PASSING, cluster.status("api", "a"));
        cluster.advance(1_400);
        assertEquals(Status.CRITICAL, cluster.status("api", "a"));
    }

    @Test
    void checkpointsCarryAgesRelativeToTheirEntryNotAnyClocksReading() {
        leaderWithOneLease(10_000);
        cluster.advance(1_000);
        List<Command.Checkpoint> checkpoints = cluster.logged(Command.Checkpoint.class);
        assertEquals(1, checkpoints.size());
        Command.Checkpoint c = checkpoints.get(0);
        assertNull(c.renewals(), "no absolute times");
        long age = c.ages().get("api/a");
        assertTrue(age >= 0 && age <= 1_000, "age " + age);
        // Applied: the renewal sits on the entry's scale, at the stamp minus the age.
        long stamp = cluster.log.get(cluster.log.size() - 1).time();
        assertEquals(stamp - age, cluster.catalog.renewals().get("api/a"));
    }

    @Test
    void newLeaderWithAnotherMonotonicOriginPlacesTheRenewalWhereItWas() {
        // Members' monotonic clocks differ by billions of ms (FakeCluster): only ages cross between members.
        leaderWithOneLease(10_000);
        long renewal = cluster.now;
        cluster.advance(5_000);
        cluster.elect(cluster.member(1), true);
        cluster.advance(4_800);
        assertEquals(Status.PASSING, cluster.status("api", "a"), "not before its TTL");
        cluster.advance(400);
        assertEquals(Status.CRITICAL, cluster.status("api", "a"));
        long late = cluster.instance("api", "a").statusSince() - FakeCluster.EPOCH - renewal;
        assertTrue(late >= 10_000 && late <= 10_400, "critical " + late + " ms after its renewal");
    }

    @Test
    void aNewLeaderWhoseWallClockRunsAheadSeesRenewalsThatMuchOlderButStillGrantsTheGrace() {
        leaderWithOneLease(10_000);
        long renewal = cluster.now;
        cluster.advance(2_000);
        FakeCluster.Member n2 = cluster.member(1);
        n2.wallSkew = 4_000; // documented in docs/leases.md: skew moves renewals by its size at a takeover
        cluster.elect(n2, true);
        cluster.advance(3_000);
        assertEquals(Status.PASSING, cluster.status("api", "a"), "the grace still holds");
        cluster.advance(1_400);
        assertEquals(Status.CRITICAL, cluster.status("api", "a"));
        long late = cluster.now - renewal;
        assertTrue(late < 10_000, "4 s of skew shortened the lease: " + late);
    }
}
