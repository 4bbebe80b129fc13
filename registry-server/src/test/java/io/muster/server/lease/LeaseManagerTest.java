package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lease manager with a stable leader, on fake time. */
class LeaseManagerTest {
    private final FakeCluster cluster = new FakeCluster(3,
            FakeCluster.settings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3)));

    private FakeCluster.Member leaderPastItsGrace() {
        FakeCluster.Member n1 = cluster.member(0);
        cluster.elect(n1, true);
        cluster.advance(3_200);
        return n1;
    }

    @Test
    void renewedInstanceStaysPassingAndSilentOneTurnsCriticalOneScanAfterItsTtl() {
        leaderPastItsGrace();
        cluster.register("api", "live", Duration.ofSeconds(2));
        cluster.register("api", "dead", Duration.ofSeconds(2));
        cluster.advance(200);
        long lastBeat = cluster.now;
        assertTrue(cluster.heartbeat("api", "dead"));
        for (int i = 0; i < 10; i++) {
            assertTrue(cluster.heartbeat("api", "live"));
            cluster.advance(400);
            if (cluster.status("api", "dead") == Status.CRITICAL) {
                break;
            }
        }
        assertEquals(Status.CRITICAL, cluster.status("api", "dead"));
        long late = cluster.instance("api", "dead").statusSince() - FakeCluster.EPOCH - lastBeat;
        assertTrue(late >= 2_000 && late <= 2_000 + 400 + 200, "critical " + late + " ms after the last heartbeat");
        assertTrue(cluster.instance("api", "dead").note().startsWith("TTL expired: no heartbeat for"));
        assertEquals(Status.PASSING, cluster.status("api", "live"));
    }

    @Test
    void everyTransitionCarriesTheLeadersTerm() {
        leaderPastItsGrace();
        cluster.register("api", "a", Duration.ofSeconds(2));
        assertTrue(cluster.leader.leases.renew("api", "a", Status.WARNING, "disk 91%"));
        assertEquals(Status.WARNING, cluster.status("api", "a"));
        cluster.advance(5_000);
        assertEquals(Status.CRITICAL, cluster.status("api", "a"));
        for (Command.SetStatus s : cluster.logged(Command.SetStatus.class)) {
            assertEquals(1L, s.term(), s.toString());
        }
        assertEquals(List.of(new Command.Takeover("n1", 1)), cluster.logged(Command.Takeover.class));
        assertFalse(cluster.logged(Command.Checkpoint.class).isEmpty());
        cluster.logged(Command.Checkpoint.class).forEach(c -> assertEquals(1L, c.term()));
    }

    @Test
    void criticalInstancesOfEveryCheckKindAreRemovedAfterDeregisterAfter() {
        leaderPastItsGrace();
        cluster.append(List.of(
                new Command.Register("svc", "ttl", new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1,
                        new Check.Ttl(Duration.ofSeconds(1), Duration.ofSeconds(5)))),
                new Command.Register("svc", "http", new InstanceSpec("10.0.0.2", 80, List.of(), Map.of(), 1,
                        new Check.Http("http://10.0.0.2/", Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5)))),
                new Command.Register("svc", "tcp", new InstanceSpec("10.0.0.3", 80, List.of(), Map.of(), 1,
                        new Check.Tcp("10.0.0.3:80", Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5))))));
        cluster.advance(1_400);
        assertEquals(Status.CRITICAL, cluster.status("svc", "ttl"));
        assertEquals(Status.CRITICAL, cluster.status("svc", "http"), "a new HTTP instance starts critical");
        cluster.advance(3_000);
        assertTrue(cluster.catalog.instance("svc", "http").isPresent(), "not before deregisterAfter");
        cluster.advance(3_000);
        assertTrue(cluster.catalog.instance("svc", "ttl").isEmpty(), "TTL instance removed");
        assertTrue(cluster.catalog.instance("svc", "http").isEmpty(), "HTTP instance removed");
        assertTrue(cluster.catalog.instance("svc", "tcp").isEmpty(), "TCP instance removed");
        cluster.logged(Command.Deregister.class).forEach(d -> assertEquals(1L, d.term()));
    }

    @Test
    void aHeartbeatAfterCriticalBringsTheInstanceBack() {
        leaderPastItsGrace();
        cluster.register("api", "a", Duration.ofSeconds(1));
        cluster.advance(1_400);
        assertEquals(Status.CRITICAL, cluster.status("api", "a"));
        assertTrue(cluster.heartbeat("api", "a"));
        assertEquals(Status.PASSING, cluster.status("api", "a"));
        assertEquals("heartbeat resumed", cluster.instance("api", "a").note());
    }

    @Test
    void unknownInstancesAreNotRenewedAndAFollowerRefusesRenewals() {
        FakeCluster.Member n1 = leaderPastItsGrace();
        assertFalse(n1.leases.renew("api", "nobody", Status.PASSING, ""));
        assertThrows(NoLeaderException.class, () -> cluster.member(1).leases.renew("api", "nobody", Status.PASSING, ""));
        cluster.elect(cluster.member(1), true);
        assertThrows(NoLeaderException.class, () -> n1.leases.renew("api", "nobody", Status.PASSING, ""), "demoted");
    }

    @Test
    void aRepeatedPromotionForTheSameTermChangesNothing() {
        FakeCluster.Member n1 = leaderPastItsGrace();
        cluster.register("api", "a", Duration.ofSeconds(2));
        cluster.advance(1_000);
        n1.leases.promoted(cluster.term);
        cluster.advance(1_400);
        assertEquals(Status.CRITICAL, cluster.status("api", "a"), "no second grace from a repeated promotion");
        assertEquals(1, cluster.logged(Command.Takeover.class).size());
    }

    @Test
    void massLapseIsHeldBySelfPreservationAndTheDeadExpireOnceRenewalsReturn() {
        FakeCluster.Member n1 = leaderPastItsGrace();
        for (int i = 0; i < 20; i++) {
            cluster.register("mass", "m" + i, Duration.ofSeconds(2));
        }
        for (int round = 0; round < 10; round++) {
            for (int i = 15; i < 20; i++) {
                cluster.heartbeat("mass", "m" + i);
            }
            cluster.advance(500);
        }
        assertTrue(n1.leases.selfPreservationActive());
        for (int i = 0; i < 20; i++) {
            assertEquals(Status.PASSING, cluster.status("mass", "m" + i), "m" + i + " held");
        }
        for (int round = 0; round < 12; round++) {
            for (int i = 2; i < 20; i++) {
                cluster.heartbeat("mass", "m" + i);
            }
            cluster.advance(500);
        }
        assertFalse(n1.leases.selfPreservationActive());
        assertEquals(Status.CRITICAL, cluster.status("mass", "m0"));
        assertEquals(Status.CRITICAL, cluster.status("mass", "m1"));
        for (int i = 2; i < 20; i++) {
            assertEquals(Status.PASSING, cluster.status("mass", "m" + i));
        }
    }
}
