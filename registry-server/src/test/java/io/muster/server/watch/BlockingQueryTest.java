package io.muster.server.watch;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blocking queries over HTTP on a real three-member cluster (design rule 10): a query parks until its service
 * changes, a change wakes only the waiters of the services it touched, heartbeat renewals wake nobody, and
 * {@code GET /v1/services} blocks the same way.
 *
 * <p>One cluster serves the whole class; each test uses its own services. Every query a test leaves parked
 * waits five minutes, so the per-member count of parked queries only moves when a test moves it.
 */
class BlockingQueryTest {
    /** Quick lease settings, so that checkpoints of renewals are written several times during a test. */
    private static final Map<String, String> FAST = Map.of(
            "lease-scan-interval", "100ms",
            "checkpoint-interval", "300ms",
            "lease-grace", "1s");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static TestCluster cluster;
    private static HttpClient http;

    @BeforeAll
    static void startCluster() {
        cluster = new TestCluster(3, FAST).start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static long register(String service, String id, String check) {
        HttpResponse<String> r = put(-1, "/v1/services/" + service + "/instances/" + id,
                "{\"address\":\"10.0.0.1\",\"port\":80" + (check == null ? "" : ",\"check\":" + check) + "}");
        return json(r).get("index").asLong();
    }

    /**
     * A PUT to {@code member} (the leader if -1) that, like a client, tries again on {@code 503}: on a loaded
     * machine an election can happen mid-test, and it changes no service.
     */
    private static HttpResponse<String> put(int member, String path, String body) {
        HttpResponse<String> r = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            r = cluster.put(member < 0 ? cluster.awaitLeader(DEADLINE) : member, path, body);
            if (r.statusCode() != 503) {
                break;
            }
            TestCluster.sleep(200);
        }
        assertEquals(200, r.statusCode(), r.body());
        return r;
    }

    private static long index(int member, String path) {
        HttpResponse<String> r = cluster.get(member, path);
        assertEquals(200, r.statusCode(), r.body());
        return Long.parseLong(r.headers().firstValue("X-Muster-Index").orElseThrow());
    }

    /** Sends a blocking GET without waiting for it; the request timeout is far beyond any wait a test uses. */
    private static CompletableFuture<HttpResponse<String>> park(int member, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.url(member) + path))
                .timeout(Duration.ofMinutes(6)).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<CompletableFuture<HttpResponse<String>>> park(int member, String path, int count) {
        List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(park(member, path));
        }
        return out;
    }

    private static int parked(int member) {
        return (int) cluster.server(member).meters().get("muster_blocking_queries").gauge().value();
    }

    private static void awaitParked(int member, int expected) {
        TestCluster.await("member " + member + " holding " + expected + " blocking queries (has " + parked(member) + ")",
                DEADLINE, () -> parked(member) == expected);
    }

    private static void awaitAll(List<CompletableFuture<HttpResponse<String>>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void answersAtOnceWhenTheIndexIsAlreadyPast() throws Exception {
        long first = register("past", "p1", null);
        long second = register("past", "p2", null);
        int member = cluster.anyFollower();
        TestCluster.await("follower applied", DEADLINE, () -> index(member, "/v1/services/past?consistency=stale") >= second);
        // A five-minute wait that must not be waited: the index asked for is already behind.
        HttpResponse<String> r = park(member, "/v1/services/past?index=" + first + "&wait=5m&consistency=stale")
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(second, json(r).get("index").asLong());
        assertEquals(2, json(r).get("instances").size());
    }

    @Test
    void aChangeWakesOnlyTheWaitersOfTheServiceItTouched() throws Exception {
        long quietIndex = register("quiet", "q1", null);
        long busyIndex = register("busy", "b1", null);
        int member = cluster.anyFollower();
        TestCluster.await("follower applied", DEADLINE, () -> index(member, "/v1/services/busy?consistency=stale") >= busyIndex);
        int before = parked(member);
        var quiet = park(member, "/v1/services/quiet?index=" + quietIndex + "&wait=5m&consistency=stale", 20);
        var busy = park(member, "/v1/services/busy?index=" + busyIndex + "&wait=5m&consistency=stale", 20);
        awaitParked(member, before + 40);

        long changed = register("busy", "b2", null);

        awaitAll(busy);
        for (var f : busy) {
            assertEquals(changed, json(f.get()).get("index").asLong());
            assertEquals(2, json(f.get()).get("instances").size());
        }
        awaitParked(member, before + 20);
        quiet.forEach(f -> assertFalse(f.isDone(), "a change to busy must not answer a query on quiet"));

        long quietChanged = register("quiet", "q2", null);
        awaitAll(quiet);
        assertEquals(quietChanged, json(quiet.get(0).get()).get("index").asLong());
        awaitParked(member, before);
    }

    @Test
    void heartbeatRenewalsWakeNobodyAndAStatusChangeWakesEveryone() throws Exception {
        long index = register("beat", "b1", "{\"ttl\":\"5s\"}");
        TestCluster.await("every member applied", DEADLINE, () -> {
            for (int m = 0; m < 3; m++) {
                if (index(m, "/v1/services/beat?consistency=stale") < index) {
                    return false;
                }
            }
            return true;
        });
        int[] before = new int[3];
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            before[m] = parked(m);
            waiting.addAll(park(m, "/v1/services/beat?index=" + index + "&wait=5m&consistency=stale", 10));
        }
        for (int m = 0; m < 3; m++) {
            awaitParked(m, before[m] + 10);
        }
        // Renewals through every member for longer than several checkpoint intervals (300 ms here): the leader
        // writes them to the log, and still no service changes.
        long until = System.currentTimeMillis() + 2500;
        int n = 0;
        while (System.currentTimeMillis() < until) {
            put(n++ % 3, "/v1/services/beat/instances/b1/heartbeat", "{\"status\":\"passing\"}");
            TestCluster.sleep(200);
        }
        waiting.forEach(f -> assertFalse(f.isDone(), "a renewal woke a blocking query"));
        for (int m = 0; m < 3; m++) {
            assertEquals(before[m] + 10, parked(m), "member " + m);
        }
        assertEquals(index, index(cluster.awaitLeader(DEADLINE), "/v1/services/beat"), "renewals must not move the index");

        put(0, "/v1/services/beat/instances/b1/heartbeat", "{\"status\":\"warning\"}");
        awaitAll(waiting);
        for (var f : waiting) {
            JsonNode body = json(f.get());
            assertTrue(body.get("index").asLong() > index);
            assertEquals("warning", body.get("instances").get(0).get("status").asText());
        }
    }

    @Test
    void theServiceListBlocksUntilAnyServiceChanges() throws Exception {
        register("listed", "l1", null);
        int member = cluster.anyFollower();
        long index = index(cluster.awaitLeader(DEADLINE), "/v1/services");
        TestCluster.await("follower applied", DEADLINE, () -> index(member, "/v1/services?consistency=stale") >= index);
        int before = parked(member);
        var waiter = park(member, "/v1/services?index=" + index + "&wait=5m&consistency=stale");
        awaitParked(member, before + 1);
        assertFalse(waiter.isDone());

        long changed = register("listed-later", "x1", null);

        HttpResponse<String> r = waiter.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(changed, Long.parseLong(r.headers().firstValue("X-Muster-Index").orElseThrow()));
        assertTrue(json(r).has("listed-later"), r.body());
    }

    @Test
    void anUnknownServiceCanBeWatchedBeforeAnyoneRegistersIt() throws Exception {
        int member = cluster.anyFollower();
        HttpResponse<String> empty = cluster.get(member, "/v1/services/newcomer?consistency=stale");
        assertEquals(200, empty.statusCode());
        assertEquals(0, json(empty).get("instances").size());
        long index = Long.parseLong(empty.headers().firstValue("X-Muster-Index").orElseThrow());
        int before = parked(member);
        var waiter = park(member, "/v1/services/newcomer?index=" + index + "&wait=5m&consistency=stale");
        awaitParked(member, before + 1);

        register("newcomer", "n1", null);

        HttpResponse<String> r = waiter.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("n1", json(r).get("instances").get(0).get("id").asText());
    }

    @Test
    void anUnchangedServiceIsAnsweredAfterTheWaitWithTheSameIndex() throws Exception {
        long index = register("still", "s1", null);
        int leader = cluster.awaitLeader(DEADLINE);
        long started = System.nanoTime();
        HttpResponse<String> r = park(leader, "/v1/services/still?index=" + index + "&wait=700ms")
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(index, json(r).get("index").asLong());
        assertEquals(String.valueOf(index), r.headers().firstValue("X-Muster-Index").orElseThrow());
        assertTrue(elapsedMs >= 700, "answered after " + elapsedMs + " ms, before the wait ended");
    }

    @Test
    void aBadWaitOrAWaitWithoutAnIndexIsRefused() {
        int member = cluster.anyFollower();
        assertEquals(400, cluster.get(member, "/v1/services/still?wait=10s").statusCode());
        assertEquals(400, cluster.get(member, "/v1/services/still?index=1&wait=6m").statusCode());
        assertEquals(400, cluster.get(member, "/v1/services/still?index=1&wait=soon").statusCode());
        assertEquals(400, cluster.get(member, "/v1/services/still?index=-1&wait=1s").statusCode());
        assertEquals(400, cluster.get(member, "/v1/services?wait=1s").statusCode());
    }
}
