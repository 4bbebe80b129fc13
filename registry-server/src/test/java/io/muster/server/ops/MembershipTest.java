package io.muster.server.ops;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.server.testing.TestCluster;
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
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replacing a member (3 -> 4 -> remove the old one) under write load, and handing leadership over on request. */
class MembershipTest {
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMemberIsReplacedUnderLoadWithoutLosingAnAcknowledgedWrite() throws Exception {
        cluster = new TestCluster(4, 3, Map.of()).start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(3);
        for (int w = 0; w < 3; w++) {
            int writer = w;
            writers.submit(() -> {
                while (running.get()) {
                    String id = "r-" + counter.incrementAndGet();
                    int member = 1 + writer % 2; // n2 and n3 stay throughout
                    try {
                        HttpResponse<String> r = cluster.put(member, "/v1/services/load/instances/" + id,
                                "{\"address\":\"10.0.0.9\",\"port\":9000}");
                        if (r.statusCode() == 200) {
                            acknowledged.add(id);
                        }
                    } catch (RuntimeException e) {
                        // counted as not acknowledged
                    }
                }
            });
        }
        try {
            replaceN1WithN4(acknowledged);
        } finally {
            running.set(false);
            writers.shutdown();
        }
        assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS));

        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        assertTrue(leader != 0);
        assertEquals(Set.of("n2", "n3", "n4"), memberIds(leader));
        Set<String> present = ConcurrentHashMap.newKeySet();
        json(cluster.get(leader, "/v1/services/load?consistency=consistent")).get("instances").forEach(i -> present.add(i.get("id").asText()));
        for (String id : acknowledged) {
            assertTrue(present.contains(id), "acknowledged write " + id + " lost");
        }
        // The newcomer serves reads of its own.
        TestCluster.await("n4 has everything", Duration.ofSeconds(30), () ->
                json(cluster.get(3, "/v1/services/load?consistency=stale")).get("instances").size() == present.size());
    }

    private void replaceN1WithN4(Set<String> acknowledged) {
        TestCluster.await("load running", Duration.ofSeconds(30), () -> acknowledged.size() > 50);

        cluster.start(3);
        HttpResponse<String> add = cluster.send("POST", 1, "/v1/cluster/members", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:"
                + cluster.ports(3).raft() + "\",\"httpAddress\":\"127.0.0.1:" + cluster.ports(3).http() + "\"}");
        assertEquals(200, add.statusCode(), add.body());
        TestCluster.await("n4 listed", Duration.ofSeconds(30), () -> memberIds(1).contains("n4"));
        TestCluster.await("n4 caught up", Duration.ofSeconds(60), () ->
                cluster.server(3).node().catalog().appliedIndex() >= cluster.server(1).node().catalog().appliedIndex() - 5);

        HttpResponse<String> remove = cluster.delete(2, "/v1/cluster/members/n1");
        assertEquals(200, remove.statusCode(), remove.body());
        TestCluster.await("n1 gone", Duration.ofSeconds(30), () -> !memberIds(2).contains("n1"));
        cluster.kill(0);
        int before = acknowledged.size();
        TestCluster.await("writes after the replacement", Duration.ofSeconds(30), () -> acknowledged.size() > before + 50);
    }

    /**
     * A member that joined after the others started can lead: the followers' forwarded writes must reach it, even
     * though it is not among the peers they started with and the old leader they knew is gone.
     */
    @Test
    void followersForwardWritesToALeaderThatJoinedLater() {
        cluster = new TestCluster(4, 3, Map.of()).start();
        int first = cluster.awaitLeader(Duration.ofSeconds(10));
        // Give the old leader's forwarding clients at n2 and n3 something to remember.
        for (int i = 0; i < 3; i++) {
            assertEquals(200, cluster.put(i, "/v1/services/join/instances/before-" + i, "{\"address\":\"10.0.0.9\",\"port\":9000}").statusCode());
        }
        cluster.start(3);
        HttpResponse<String> add = cluster.send("POST", first, "/v1/cluster/members", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:"
                + cluster.ports(3).raft() + "\",\"httpAddress\":\"127.0.0.1:" + cluster.ports(3).http() + "\"}");
        assertEquals(200, add.statusCode(), add.body());
        HttpResponse<String> transfer = cluster.send("POST", first, "/v1/cluster/leader/transfer", "{\"to\":\"n4\"}");
        assertEquals(200, transfer.statusCode(), transfer.body());
        TestCluster.await("n4 leads", Duration.ofSeconds(15), () -> cluster.leader().orElse(-1) == 3);
        HttpResponse<String> remove = cluster.delete(3, "/v1/cluster/members/" + cluster.id(first));
        assertEquals(200, remove.statusCode(), remove.body());
        cluster.kill(first);

        for (int i = 0; i < 3; i++) {
            if (i == first) {
                continue;
            }
            HttpResponse<String> r = cluster.put(i, "/v1/services/join/instances/after-" + i, "{\"address\":\"10.0.0.9\",\"port\":9000}");
            assertEquals(200, r.statusCode(), "write through " + cluster.id(i) + ": " + r.body());
        }
        assertEquals(5, json(cluster.get(3, "/v1/services/join?consistency=consistent")).get("instances").size());
    }

    @Test
    void leadershipIsHandedToTheMemberAsked() {
        cluster = new TestCluster(3).start();
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        int target = (leader + 1) % 3;
        HttpResponse<String> r = cluster.send("POST", target, "/v1/cluster/leader/transfer", "{\"to\":\"" + cluster.id(target) + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        TestCluster.await("new leader", Duration.ofSeconds(15), () -> cluster.leader().orElse(-1) == target);
        assertEquals(cluster.id(target), json(cluster.get(leader, "/v1/cluster")).get("leader").asText());
        // Without a target, any healthy follower takes over.
        HttpResponse<String> any = cluster.send("POST", leader, "/v1/cluster/leader/transfer", null);
        assertEquals(200, any.statusCode(), any.body());
        TestCluster.await("leadership moved again", Duration.ofSeconds(15), () -> cluster.leader().orElse(target) != target);
    }

    private Set<String> memberIds(int via) {
        JsonNode members = json(cluster.get(via, "/v1/cluster")).get("members");
        return StreamSupport.stream(members.spliterator(), false).map(m -> m.get("id").asText())
                .collect(java.util.stream.Collectors.toSet());
    }
}
