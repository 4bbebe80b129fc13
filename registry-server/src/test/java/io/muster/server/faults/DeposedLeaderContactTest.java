package io.muster.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Defect 10 of issue 15: a leader cut off from the others stepped down, but its stale reads went on saying
 * {@code X-Muster-Last-Contact: 0}, which reads as "I am the leader". From the moment a leader loses its term the
 * header must grow. And a member without a leader answers a default read with 503 at once instead of waiting for
 * one until the client gives up.
 */
class DeposedLeaderContactTest {

    @Test
    void aLeaderThatLostItsQuorumReportsAGrowingLastContactAndRefusesDefaultReadsAtOnce() {
        try (TestCluster cluster = new TestCluster(3).start()) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            assertEquals(200, cluster.put(leader, "/v1/services/c/instances/a", "{\"address\":\"10.0.0.1\",\"port\":1}").statusCode());
            for (int i = 0; i < 3; i++) {
                if (i != leader) {
                    cluster.kill(i);
                }
            }
            // It steps down once no majority answers within an election timeout.
            TestCluster.await("the old leader steps down", Duration.ofSeconds(30), () -> !cluster.server(leader).node().isLeader());

            long first = lastContact(cluster, leader);
            TestCluster.await("Last-Contact to grow on the deposed leader", Duration.ofSeconds(30),
                    () -> lastContact(cluster, leader) > first);

            HttpResponse<String> read = cluster.send("GET", leader, "/v1/services/c", null, Duration.ofSeconds(30));
            assertEquals(503, read.statusCode(), read.body());
            assertEquals("no_leader", TestCluster.json(read).get("error").asText());
        }
    }

    private static long lastContact(TestCluster cluster, int member) {
        HttpResponse<String> stale = cluster.get(member, "/v1/services/c?consistency=stale");
        assertEquals(200, stale.statusCode(), stale.body());
        assertEquals(1, TestCluster.json(stale).get("instances").size());
        return Long.parseLong(stale.headers().firstValue("X-Muster-Last-Contact").orElseThrow());
    }
}
