package io.muster.server.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Defect 4 of issue 15: SIGTERM on the leader called {@code transferLeadership(null)}, which in Ratis 3.2 only steps
 * down: the followers then waited out their election timeout, and a new leader appeared about as late as after a
 * crash. A graceful stop names the most up-to-date follower, which starts its election at once.
 *
 * <p>The election timeout here is long (4 s, so 4-8 s), which makes the two behaviours far apart: stepping down
 * leaves the cluster without a leader for at least half an election timeout (the followers' timers started at the
 * last heartbeat, at most half a timeout earlier); a named hand-over takes one vote round (tens of ms). The
 * deadline asserted is half the timeout, the bound the issue sets, so a loaded machine has 2 s for one vote round.
 */
class GracefulHandoverTest {
    private static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(4);

    @Test
    void aGracefulStopOfTheLeaderHandsOverWithinHalfAnElectionTimeout() {
        try (TestCluster cluster = new TestCluster(3, Map.of("election-timeout", ELECTION_TIMEOUT.toMillis() + "ms")).start()) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(60));
            // Something in the log, so "most up to date" means something.
            assertTrue(cluster.put(leader, "/v1/services/h/instances/a", "{\"address\":\"10.0.0.1\",\"port\":1}").statusCode() == 200);

            long start = System.nanoTime();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> cluster.stop(leader));
            int next = -1;
            while (next < 0 && System.nanoTime() - start < ELECTION_TIMEOUT.toNanos() * 4) {
                for (int i = 0; i < 3; i++) {
                    if (i != leader && cluster.server(i).node().isLeader()) {
                        next = i;
                    }
                }
                TestCluster.sleep(5);
            }
            long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            stop.join();
            assertTrue(next >= 0, "no new leader at all");
            assertTrue(tookMs < ELECTION_TIMEOUT.toMillis() / 2,
                    "leadership moved " + tookMs + " ms after the graceful stop began; an election would take that long");
            int newLeader = next;
            TestCluster.await("writes on the new leader", Duration.ofSeconds(20), () ->
                    cluster.put(newLeader, "/v1/services/h/instances/b", "{\"address\":\"10.0.0.1\",\"port\":1}").statusCode() == 200);
        }
    }
}
