package io.muster.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A follower keeps forwarding writes after the leader dies. Ratis's ordered client refuses every request for good
 * once one has failed without a retry (the forwarded-write client retries only what the leader provably did not
 * run), so the member must replace that client: without it, every write through this follower answered
 * {@code 503 ... is closed} after the first failover.
 */
class ForwardedWritesFailoverTest {
    private static final String BODY = "{\"address\":\"10.0.0.1\",\"port\":1}";

    @Test
    void aFollowerStillTakesWritesAfterTheLeaderDies() {
        try (TestCluster cluster = new TestCluster(3).start()) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            int first = (leader + 1) % 3;
            HttpResponse<String> before = cluster.put(first, "/v1/services/p/instances/before", BODY);
            assertEquals(200, before.statusCode(), before.body());

            cluster.kill(leader);
            int newLeader = cluster.awaitLeader(Duration.ofSeconds(30));
            int follower = 3 - leader - newLeader;

            // During the election a write may answer 503; once a leader is known it must go through again.
            TestCluster.await("a write through member " + follower + " after the failover", Duration.ofSeconds(20),
                    () -> cluster.put(follower, "/v1/services/p/instances/probe", BODY).statusCode() == 200);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> w = cluster.put(follower, "/v1/services/p/instances/after-" + i, BODY);
                assertEquals(200, w.statusCode(), w.body());
            }
            HttpResponse<String> onLeader = cluster.get(newLeader, "/v1/services/p?consistency=consistent");
            assertEquals(200, onLeader.statusCode());
        }
    }
}
