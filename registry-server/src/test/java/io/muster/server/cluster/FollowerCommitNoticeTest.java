package io.muster.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A follower waits to apply a write it forwarded before it answers, and it can apply only once it knows the entry is
 * committed. Ratis 3.2 tells it with the next AppendEntries: new entries or the heartbeat, every half election
 * timeout. Sequential writes through a follower each waited for that heartbeat (265 ms apiece by default); the
 * leader now tells caught-up followers right after each commit (PromptCommitRpc). With a 4 s election timeout the
 * heartbeat comes every 2 s, so ten writes would take some 20 s without that; with it they take well under one
 * heartbeat interval, even on a loaded host.
 */
class FollowerCommitNoticeTest {

    @Test
    void writesThroughAFollowerDoNotWaitForTheHeartbeat() {
        try (TestCluster cluster = new TestCluster(3, Map.of("election-timeout", "4s")).start()) {
            cluster.awaitLeader(Duration.ofSeconds(60));
            int follower = cluster.anyFollower();
            String body = "{\"address\":\"10.0.0.1\",\"port\":80}";
            assertEquals(200, cluster.put(follower, "/v1/services/notice/instances/warm", body).statusCode());
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, cluster.put(follower, "/v1/services/notice/instances/i" + i, body).statusCode());
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 2_000, "ten writes through a follower took " + ms + " ms, one heartbeat interval is 2,000 ms");
        }
    }
}
