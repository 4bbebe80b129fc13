package io.muster.server.cluster;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.server.testing.TestCluster;
import io.muster.store.catalog.SnapshotData;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real members on loopback: replication, the three read modes, and the faults the foundation issue names —
 * a leader killed mid-stream, a member restarted from disk, a wiped member rebuilt from a snapshot, no quorum.
 */
class ReplicationTest {
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String registration(int port) {
        return "{\"address\":\"10.0.0.1\",\"port\":" + port + ",\"tags\":[\"primary\"],\"metadata\":{\"v\":\"1\"}}";
    }

    @Test
    void writeOnFollowerIsReadOnEveryMemberInEveryConsistencyMode() {
        cluster = new TestCluster(3).start();
        int follower = cluster.anyFollower();
        HttpResponse<String> put = cluster.put(follower, "/v1/services/web/instances/web-1", registration(8080));
        assertEquals(200, put.statusCode(), put.body());
        long index = json(put).get("index").asLong();
        assertTrue(index > 0);

        for (int m = 0; m < 3; m++) {
            for (String mode : new String[] {"default", "consistent"}) {
                HttpResponse<String> r = cluster.get(m, "/v1/services/web?consistency=" + mode);
                assertEquals(200, r.statusCode());
                JsonNode body = json(r);
                assertEquals(1, body.get("instances").size(), "member " + m + " mode " + mode);
                assertEquals("web-1", body.get("instances").get(0).get("id").asText());
                assertEquals(String.valueOf(index), r.headers().firstValue("X-Muster-Index").orElseThrow());
                assertEquals("true", r.headers().firstValue("X-Muster-Known-Leader").orElseThrow());
                assertTrue(r.headers().firstValue("X-Muster-Last-Contact").isPresent());
            }
            int member = m;
            TestCluster.await("stale read on member " + m, Duration.ofSeconds(10), () ->
                    json(cluster.get(member, "/v1/services/web?consistency=stale")).get("instances").size() == 1);
        }
        // The acknowledged write is applied on the member that answered, so its own stale read sees it at once.
        assertEquals(1, json(cluster.get(follower, "/v1/services/web?consistency=stale")).get("instances").size());
        // Regression: a consistent read once queued later writes on the same member behind it until they timed out.
        for (int i = 0; i < 5; i++) {
            assertEquals(200, cluster.get(follower, "/v1/services/web?consistency=consistent").statusCode());
            HttpResponse<String> w = cluster.send("PUT", follower, "/v1/services/web/instances/after-" + i, registration(8081),
                    Duration.ofSeconds(4));
            assertEquals(200, w.statusCode(), w.body());
        }
    }

    @Test
    void leaderKilledMidStreamLosesNoAcknowledgedWrite() throws Exception {
        cluster = new TestCluster(3).start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.submit(() -> {
                while (running.get()) {
                    String id = "i-" + counter.incrementAndGet();
                    int member = (writer + counter.get()) % 3;
                    if (!cluster.running(member)) {
                        continue;
                    }
                    try {
                        HttpResponse<String> r = cluster.put(member, "/v1/services/stream/instances/" + id, registration(9000));
                        if (r.statusCode() == 200) {
                            acknowledged.add(id);
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            });
        }
        int oldLeader;
        try {
            TestCluster.await("some writes", Duration.ofSeconds(30), () -> acknowledged.size() >= 100);
            oldLeader = cluster.awaitLeader(Duration.ofSeconds(10));
            cluster.kill(oldLeader);
            int before = acknowledged.size();
            TestCluster.await("writes after the kill", Duration.ofSeconds(30), () -> acknowledged.size() >= before + 100);
        } finally {
            running.set(false);
            writers.shutdown();
        }
        assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS));

        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        JsonNode body = json(cluster.get(leader, "/v1/services/stream?consistency=consistent"));
        Set<String> present = ConcurrentHashMap.newKeySet();
        body.get("instances").forEach(i -> present.add(i.get("id").asText()));
        for (String id : acknowledged) {
            assertTrue(present.contains(id), "acknowledged write " + id + " lost");
        }

        // The killed member comes back from its data directory and ends with exactly the leader's catalog.
        cluster.start(oldLeader);
        assertSameCatalog(leader, oldLeader);
    }

    @Test
    void wipedMemberIsRebuiltFromASnapshot() throws Exception {
        cluster = new TestCluster(3, Map.of("snapshot-threshold", "64", "raft-segment-size", "16384")).start();
        for (int i = 0; i < 50; i++) {
            assertEquals(200, cluster.put(i % 3, "/v1/services/snap/instances/a-" + i, registration(7000 + i)).statusCode());
        }
        int victim = cluster.anyFollower();
        cluster.kill(victim);
        cluster.wipe(victim);
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        int other = 3 - leader - victim;
        for (int i = 0; i < 200; i++) {
            assertEquals(200, cluster.put(i % 2 == 0 ? leader : other, "/v1/services/snap/instances/b-" + i, registration(7000)).statusCode());
        }
        assertEquals(200, cluster.delete(leader, "/v1/services/snap/instances/a-0").statusCode());
        // Force snapshots so the log that the wiped member would need is purged: it can only catch up by
        // InstallSnapshot, the path that kills followers when a state machine gets pause() wrong.
        cluster.server(leader).node().takeSnapshot();
        cluster.server(other).node().takeSnapshot();
        for (int i = 0; i < 100; i++) {
            assertEquals(200, cluster.put(leader, "/v1/services/snap/instances/c-" + i, registration(7000)).statusCode());
        }
        cluster.server(leader).node().takeSnapshot();

        cluster.start(victim);
        assertSameCatalog(leader, victim);
        assertTrue(cluster.server(victim).node().installedSnapshots() >= 1, "caught up by InstallSnapshot");
        assertEquals(349, json(cluster.get(victim, "/v1/services/snap?consistency=stale")).get("instances").size());
        // And it keeps replicating normally after the install.
        assertEquals(200, cluster.put(victim, "/v1/services/snap/instances/after", registration(7000)).statusCode());
        assertSameCatalog(cluster.awaitLeader(Duration.ofSeconds(10)), victim);
    }

    @Test
    void withoutQuorumWritesAnswerNoLeaderAndStaleReadsKeepAnswering() {
        cluster = new TestCluster(3).start();
        assertEquals(200, cluster.put(0, "/v1/services/web/instances/w1", registration(80)).statusCode());
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        int survivor = (leader + 1) % 3;
        TestCluster.await("replicated", Duration.ofSeconds(10), () ->
                json(cluster.get(survivor, "/v1/services/web?consistency=stale")).get("instances").size() == 1);
        // The other follower first, then the leader: killed the other way round, the survivor could win an
        // election with the follower's vote in between and take the write as a leader that then loses its majority.
        cluster.kill(3 - leader - survivor);
        cluster.kill(leader);
        HttpResponse<String> write = cluster.put(survivor, "/v1/services/web/instances/w2", registration(81));
        assertEquals(503, write.statusCode(), write.body());
        assertEquals("no_leader", json(write).get("error").asText(), write.body());
        assertTrue(write.headers().firstValue("Retry-After").isPresent());

        HttpResponse<String> stale = cluster.get(survivor, "/v1/services/web?consistency=stale");
        assertEquals(200, stale.statusCode());
        assertEquals(1, json(stale).get("instances").size());
        // The survivor may still believe in the dead leader until its election timeout runs out; then it knows none.
        TestCluster.await("survivor not ready", Duration.ofSeconds(10), () -> cluster.get(survivor, "/health/ready").statusCode() == 503);
        assertEquals(200, cluster.get(survivor, "/health/live").statusCode());
    }

    /** Waits for {@code member} to apply what the leader has, then compares the whole replicated state. */
    private void assertSameCatalog(int leader, int member) {
        TestCluster.await("member " + member + " catches up with " + leader, Duration.ofSeconds(60), () -> {
            long want = cluster.server(leader).node().catalog().appliedIndex();
            return cluster.server(member).node().catalog().appliedIndex() >= want;
        });
        TestCluster.await("identical catalogs", Duration.ofSeconds(10), () -> {
            SnapshotData a = cluster.server(leader).node().catalog().export();
            SnapshotData b = cluster.server(member).node().catalog().export();
            return a.services().equals(b.services()) && a.renewals().equals(b.renewals()) && a.members().equals(b.members())
                    && a.changeIndex() == b.changeIndex();
        });
    }
}
