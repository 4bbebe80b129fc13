package io.muster.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import io.muster.store.raft.RaftFaults;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Defect 5 of issue 15, as an operator sees it: a member that cannot apply a committed entry used to log it, skip it
 * and go on serving a catalog that silently diverged. Now it stops loudly: readiness answers 503 with the entry and
 * the reason, the API answers 503 instead of serving the frozen catalog, and {@code muster_apply_failed} names the
 * entry.
 */
class ApplyFailureStopsServingTest {

    @Test
    void aMemberThatCannotApplyAnEntryIsNotReadyAndSaysWhy() {
        try (TestCluster cluster = new TestCluster(3).start()) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            assertEquals(200, cluster.put(leader, "/v1/services/a/instances/one", "{\"address\":\"10.0.0.1\",\"port\":1}").statusCode());

            RaftFaults.proposeUnreadable(cluster.server(leader).node());

            TestCluster.await("the leader to stop at the entry", Duration.ofSeconds(30),
                    () -> cluster.server(leader).node().applyFailure().isPresent());
            long index = cluster.server(leader).node().applyFailure().orElseThrow().index();

            HttpResponse<String> ready = cluster.get(leader, "/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("cannot apply log entry " + index), ready.body());
            assertTrue(ready.body().contains("from-a-newer-build"), ready.body());

            HttpResponse<String> stale = cluster.get(leader, "/v1/services/a?consistency=stale");
            assertEquals(503, stale.statusCode(), stale.body());
            assertEquals("unavailable", TestCluster.json(stale).get("error").asText());

            HttpResponse<String> metrics = cluster.get(leader, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("muster_apply_failed " + index + ".0"), metrics.body().lines()
                    .filter(l -> l.contains("apply_failed")).toList().toString());
            assertEquals(200, cluster.get(leader, "/health/live").statusCode());
        }
    }
}
