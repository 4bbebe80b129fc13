package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Leadership events that never arrive, on fake time. A member restarted into leadership once led a term for 90 s
 * with no promotion (the 300-fault run of seed 15), so nothing expired; each scan now checks the events against
 * what Raft says.
 */
class LostLeadershipEventTest {
    private static final long SCAN = 200;
    private static final long GRACE = 3_000;
    private final FakeCluster cluster = new FakeCluster(3,
            FakeCluster.settings(Duration.ofMillis(SCAN), Duration.ofSeconds(1), Duration.ofMillis(GRACE)));

    @Test
    void aLeaderNeverPromotedTakesOverAtItsNextScanAndExpiresTheDeadWithinTtlPlusOneGrace() {
        FakeCluster.Member n1 = leaderPastItsGraceWith("dead");
        cluster.advance(SCAN);
        assertTrue(cluster.heartbeat("db", "dead"));
        long lastBeat = cluster.now;

        FakeCluster.Member n2 = cluster.member(1);
        n1.demote(); // killed
        cluster.electUnheard(n2, false);
        assertThrows(NoLeaderException.class, () -> n2.leases.renew("db", "dead", Status.PASSING, ""), "not taken over yet");
        cluster.advance(SCAN);
        assertEquals(1, cluster.logged(Command.Takeover.class).size(), "one scan could be an event on its way: wait for the next");
        cluster.advance(SCAN);
        assertEquals(2, cluster.logged(Command.Takeover.class).size(), "n2 recorded its takeover at its second scan");
        for (int i = 0; i < 40 && cluster.status("db", "dead") != Status.CRITICAL; i++) {
            cluster.advance(SCAN);
        }
        assertEquals(Status.CRITICAL, cluster.status("db", "dead"));
        long late = cluster.instance("db", "dead").statusSince() - FakeCluster.EPOCH - lastBeat;
        assertTrue(late <= 2_000 + GRACE + 2 * SCAN, "critical " + late + " ms after its last heartbeat");
    }

    @Test
    void aLeaderNeverDemotedDropsItsTableAtItsNextScan() {
        FakeCluster.Member n1 = leaderPastItsGraceWith("a");
        assertTrue(cluster.heartbeat("db", "a"));
        n1.raftLeads = 0; // Raft stepped down; the event was lost
        cluster.advance(2 * SCAN);
        assertThrows(NoLeaderException.class, () -> n1.leases.renew("db", "a", Status.PASSING, ""));
    }

    @Test
    void aPromotionOneScanLateIsNotCountedAsLost() {
        FakeCluster.Member n1 = cluster.member(0);
        cluster.electUnheard(n1, true);
        cluster.advance(SCAN); // Raft says ready; the event is still on its way
        n1.leases.promoted(cluster.term);
        cluster.advance(5 * SCAN);
        assertEquals(1, cluster.logged(Command.Takeover.class).size());
        assertEquals(0.0, n1.meters.counter("muster_lease_missed_promotions").count());
    }

    @Test
    void aLeaderWhoseTermTheLogRefusedIsNotTakenOverAgainWhileItsRaftStillBelievesIt() {
        FakeCluster.Member n1 = leaderPastItsGraceWith("a");
        cluster.elect(cluster.member(1), false); // n1 cut off: its Raft still says it leads term 1
        for (int s = 0; s < 10; s++) {
            assertTrue(cluster.heartbeat("db", "a")); // to n2; n1 sees none and proposes an expiry, refused
            cluster.advance(1_000);
        }
        assertEquals(Status.PASSING, cluster.status("db", "a"));
        assertThrows(NoLeaderException.class, () -> n1.leases.renew("db", "a", Status.PASSING, ""),
                "refused at apply, it dropped its table and did not rebuild it for the same term");
        long n1Takeovers = cluster.logged(Command.Takeover.class).stream().filter(t -> t.term() == 1).count();
        assertEquals(1, n1Takeovers, "one takeover of term 1, not one per scan");
    }

    /** n1 elected with its promotion heard, past its grace, with {@code db/instance} registered on a 2 s TTL. */
    private FakeCluster.Member leaderPastItsGraceWith(String instance) {
        FakeCluster.Member n1 = cluster.member(0);
        cluster.elect(n1, true);
        cluster.advance(GRACE + SCAN);
        cluster.register("db", instance, Duration.ofSeconds(2));
        return n1;
    }
}
