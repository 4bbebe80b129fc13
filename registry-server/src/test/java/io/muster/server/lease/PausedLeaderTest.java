package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, defect 2: a leader that woke from a pause expired the living. Six instances heartbeating every second
 * (TTL 10 s); the leader stopped with SIGSTOP for 13 s, then continued: it logged "Expiring 6 TTL instance(s)" 55 ms
 * before it learned of the new leader, and the expiry committed, proposed through a path that forwards to whoever
 * leads now. Two defences, each tested alone here: a scan that finds the process was paused re-grants before it
 * expires anything, and every transition carries its leader's term and is refused at apply in any other.
 */
class PausedLeaderTest {
    private final FakeCluster cluster = new FakeCluster(3,
            FakeCluster.settings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3)));

    private void registerSix() {
        for (int i = 0; i < 6; i++) {
            cluster.register("pay", "p" + i, Duration.ofSeconds(10));
        }
    }

    private void beatAll() {
        for (int i = 0; i < 6; i++) {
            assertTrue(cluster.heartbeat("pay", "p" + i));
        }
    }

    private void assertAllPassing() {
        for (int i = 0; i < 6; i++) {
            assertEquals(Status.PASSING, cluster.status("pay", "p" + i), "p" + i);
        }
    }

    @Test
    void leaderWakingFromAThirteenSecondPauseExpiresNobody() {
        FakeCluster.Member n1 = cluster.member(0);
        cluster.elect(n1, true);
        registerSix();
        for (int s = 0; s < 5; s++) {
            beatAll();
            cluster.advance(1_000);
        }
        n1.paused = true;
        cluster.advance(1_500); // the others elect a new leader; n1 hears nothing
        cluster.elect(cluster.member(1), false);
        for (int s = 0; s < 11; s++) {
            beatAll(); // clients found the new leader
            cluster.advance(1_000);
        }
        int entriesBefore = cluster.log.size();
        n1.paused = false;
        n1.leases.scan(); // wakes and scans before it learns of the new term
        cluster.advance(200);
        assertTrue(cluster.log.subList(entriesBefore, cluster.log.size()).stream()
                        .flatMap(e -> e.commands().stream())
                        .noneMatch(c -> c instanceof Command.SetStatus s && s.term() == 1),
                "the paused leader proposed no transition on waking");
        n1.demote();
        assertAllPassing();
    }

    @Test
    void aDeposedLeaderStillScanningCommitsNoExpiry() {
        // Cut off rather than paused: its scans run on, clients heartbeat the new leader, its leases lapse.
        FakeCluster.Member n1 = cluster.member(0);
        cluster.elect(n1, true);
        registerSix();
        beatAll();
        cluster.advance(3_200);
        cluster.elect(cluster.member(1), false);
        for (int s = 0; s < 15; s++) {
            beatAll();
            cluster.advance(1_000);
        }
        assertTrue(cluster.logged(Command.SetStatus.class).stream().anyMatch(s -> s.term() == 1 && s.status() == Status.CRITICAL),
                "the deposed leader did propose its expiries (through the path that forwards to the new leader)");
        assertAllPassing();
        assertEquals(1, cluster.log.stream()
                        .filter(e -> e.commands().stream().anyMatch(c -> c instanceof Command.SetStatus s && s.term() == 1)).count(),
                "told of the refusal, it dropped its table instead of proposing again on every scan");
        assertThrows(NoLeaderException.class, () -> n1.leases.renew("pay", "p0", Status.PASSING, ""));
    }

    @Test
    void expiryResumesOneGraceAfterAPauseForTheTrulyDead() {
        FakeCluster.Member n1 = cluster.member(0);
        cluster.elect(n1, true);
        cluster.advance(3_200);
        cluster.register("pay", "dead", Duration.ofSeconds(2));
        cluster.advance(200);
        n1.paused = true;
        cluster.advance(5_000);
        n1.paused = false;
        cluster.advance(200);
        assertEquals(Status.PASSING, cluster.status("pay", "dead"), "re-granted on waking");
        cluster.advance(2_600);
        assertEquals(Status.PASSING, cluster.status("pay", "dead"), "for one grace");
        cluster.advance(600);
        assertEquals(Status.CRITICAL, cluster.status("pay", "dead"));
        assertFalse(n1.leases.selfPreservationActive());
    }
}
