package io.muster.server.cluster;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Followers hand their writes to the leader's batcher: each answer still carries the outcome of its own command
 * and its entry's index, is given only once the member that took it has applied that entry, and concurrent writes
 * arriving at different members share entries.
 */
class ForwardedWritesTest {
    private static final Pattern APPLIED = Pattern.compile("(?m)^muster_raft_applied_index(?:\\{[^}]*\\})? ([0-9.eE+]+)$");
    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(3).start();
        cluster.awaitLeader(java.time.Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String registration(int port) {
        return "{\"address\":\"10.0.0.1\",\"port\":" + port + "}";
    }

    private static List<Integer> followers() {
        int leader = cluster.awaitLeader(java.time.Duration.ofSeconds(30));
        List<Integer> out = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            if (m != leader) {
                out.add(m);
            }
        }
        return out;
    }

    private static long appliedIndex(int member) {
        Matcher m = APPLIED.matcher(cluster.get(member, "/metrics").body());
        assertTrue(m.find(), "applied index metric");
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void eachForwardedCommandGetsItsOwnOutcome() {
        int follower = followers().get(0);
        HttpResponse<String> put = cluster.put(follower, "/v1/services/fwd/instances/a", registration(80));
        assertEquals(200, put.statusCode(), put.body());
        long index = json(put).get("index").asLong();
        // Applied on the member that answered: its own stale read sees the write at once.
        HttpResponse<String> read = cluster.get(follower, "/v1/services/fwd?consistency=stale");
        assertEquals(1, json(read).get("instances").size(), read.body());
        assertTrue(Long.parseLong(read.headers().firstValue("X-Muster-Index").orElseThrow()) >= index);

        HttpResponse<String> missing = cluster.delete(follower, "/v1/services/fwd/instances/nobody");
        assertEquals(404, missing.statusCode(), missing.body());
        assertEquals("not_found", json(missing).get("error").asText());

        HttpResponse<String> gone = cluster.delete(follower, "/v1/services/fwd/instances/a");
        assertEquals(200, gone.statusCode(), gone.body());
        assertEquals(0, json(cluster.get(follower, "/v1/services/fwd?consistency=stale")).get("instances").size());
    }

    @Test
    void concurrentWritesOnBothFollowersShareEntries() throws Exception {
        List<Integer> followers = followers();
        int writes = 64;
        long before = appliedIndex(followers.get(0));
        ExecutorService pool = Executors.newFixedThreadPool(writes);
        try {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                int member = followers.get(i % 2);
                String path = "/v1/services/burst/instances/b-" + i;
                answers.add(CompletableFuture.supplyAsync(() -> cluster.put(member, path, registration(9000)), pool));
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                HttpResponse<String> r = a.get();
                assertEquals(200, r.statusCode(), r.body());
            }
        } finally {
            pool.shutdownNow();
        }
        for (int m = 0; m < 3; m++) {
            int member = m;
            TestCluster.await("all writes on member " + m, java.time.Duration.ofSeconds(10), () ->
                    json(cluster.get(member, "/v1/services/burst?consistency=stale")).get("instances").size() == writes);
        }
        long entries = appliedIndex(followers.get(0)) - before;
        assertTrue(entries < writes, writes + " concurrent writes took " + entries + " entries");
    }
}
