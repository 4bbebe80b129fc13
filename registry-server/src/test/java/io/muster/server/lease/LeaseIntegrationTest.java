package io.muster.server.lease;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TTL leases on a real three-member cluster: expiry and removal, heartbeats through followers, failover that
 * neither kills the living nor revives the dead, and self-preservation.
 */
class LeaseIntegrationTest {
    /** Settings short enough for a test: expiry scan 100 ms, checkpoints every 500 ms, takeover grace 1 s. */
    private static final Map<String, String> FAST = Map.of(
            "lease-scan-interval", "100ms",
            "checkpoint-interval", "500ms",
            "lease-grace", "1s");
    private TestCluster cluster;
    private ScheduledExecutorService beats;

    @AfterEach
    void tearDown() {
        if (beats != null) {
            beats.shutdownNow();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void register(String service, String id, String ttl, String deregisterAfter) {
        String check = "{\"ttl\":\"" + ttl + "\"" + (deregisterAfter == null ? "" : ",\"deregisterAfter\":\"" + deregisterAfter + "\"") + "}";
        HttpResponse<String> r = cluster.put(0, "/v1/services/" + service + "/instances/" + id,
                "{\"address\":\"10.0.0.1\",\"port\":80,\"check\":" + check + "}");
        assertEquals(200, r.statusCode(), r.body());
    }

    /** Sends one heartbeat to some running member, retrying across members as a client would. */
    private int heartbeat(String service, String id, int preferred) {
        for (int attempt = 0; attempt < 30; attempt++) {
            int m = (preferred + attempt) % 3;
            if (!cluster.running(m)) {
                continue;
            }
            long t0 = System.currentTimeMillis();
            try {
                // A short timeout, as the Java client uses: a member that cannot answer quickly is skipped.
                HttpResponse<String> r = cluster.send("PUT", m, "/v1/services/" + service + "/instances/" + id + "/heartbeat", null,
                        Duration.ofMillis(1500));
                if (r.statusCode() == 200 || r.statusCode() == 404) {
                    return r.statusCode();
                }
                System.out.println("heartbeat " + id + " to member " + m + ": " + r.statusCode() + " " + r.body()
                        + " after " + (System.currentTimeMillis() - t0) + " ms");
            } catch (RuntimeException e) {
                System.out.println("heartbeat " + id + " to member " + m + " failed after " + (System.currentTimeMillis() - t0) + " ms: " + e);
            }
            TestCluster.sleep(100);
        }
        return -1;
    }

    private Map<String, JsonNode> instances(int member, String service) {
        Map<String, JsonNode> out = new HashMap<>();
        json(cluster.get(member, "/v1/services/" + service + "?consistency=stale")).get("instances")
                .forEach(i -> out.put(i.get("id").asText(), i));
        return out;
    }

    private int anyRunning() {
        for (int i = 0; i < 3; i++) {
            if (cluster.running(i)) {
                return i;
            }
        }
        throw new AssertionError("nothing running");
    }

    private String status(String service, String id) {
        JsonNode i = instances(cluster.awaitLeader(Duration.ofSeconds(30)), service).get(id);
        return i == null ? "absent" : i.get("status").asText();
    }

    @Test
    void stoppedHeartbeatTurnsCriticalOnTimeThenIsRemoved() {
        cluster = new TestCluster(3, FAST).start();
        TestCluster.sleep(1200); // past the first leader's takeover grace
        register("api", "a1", "2s", "3s");
        long lastBeat = 0;
        for (int i = 0; i < 4; i++) {
            assertEquals(200, heartbeat("api", "a1", i));
            lastBeat = System.currentTimeMillis();
            TestCluster.sleep(500);
        }
        long last = lastBeat;
        TestCluster.await("critical", Duration.ofSeconds(10), () -> status("api", "a1").equals("critical"));
        long criticalAt = System.currentTimeMillis();
        JsonNode inst = instances(cluster.awaitLeader(Duration.ofSeconds(5)), "api").get("a1");
        long statusSince = Instant.parse(inst.get("statusSince").asText()).toEpochMilli();
        // Bound: TTL + one scan (100 ms) + one commit; 1.5 s of slack for a loaded 2-core machine.
        assertTrue(statusSince - last <= 2000 + 1500, "critical " + (statusSince - last) + " ms after the last heartbeat");
        assertTrue(statusSince - last >= 2000 - 50, "not before the TTL ran out: " + (statusSince - last));
        assertTrue(inst.get("note").asText().startsWith("TTL expired"), inst.toString());
        TestCluster.await("removed after deregisterAfter", Duration.ofSeconds(10), () -> status("api", "a1").equals("absent"));
        assertTrue(System.currentTimeMillis() - criticalAt >= 2500, "removed no earlier than deregisterAfter");
        assertEquals(404, heartbeat("api", "a1", 0), "a removed instance must register again");
    }

    @Test
    void heartbeatsSentToFollowersKeepAnInstanceAliveWithoutMovingTheIndex() {
        cluster = new TestCluster(3, FAST).start();
        register("web", "w1", "1s", null);
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        String index = cluster.get(leader, "/v1/services/web").headers().firstValue("X-Muster-Index").orElseThrow();
        long end = System.currentTimeMillis() + 4000;
        int n = 0;
        while (System.currentTimeMillis() < end) {
            int follower = (leader + 1 + (n++ % 2)) % 3;
            assertEquals(200, cluster.put(follower, "/v1/services/web/instances/w1/heartbeat", "{\"status\":\"passing\"}").statusCode());
            TestCluster.sleep(250);
        }
        assertEquals("passing", status("web", "w1"));
        assertEquals(index, cluster.get(leader, "/v1/services/web").headers().firstValue("X-Muster-Index").orElseThrow(),
                "renewals must not move the index");
        // A heartbeat that reports a new status is a transition: it is logged and moves the index.
        assertEquals(200, cluster.put(leader + 1 == 3 ? 0 : leader + 1, "/v1/services/web/instances/w1/heartbeat",
                "{\"status\":\"warning\",\"note\":\"disk 91%\"}").statusCode());
        TestCluster.await("warning", Duration.ofSeconds(5), () -> status("web", "w1").equals("warning"));
        JsonNode inst = instances(cluster.awaitLeader(Duration.ofSeconds(5)), "web").get("w1");
        assertEquals("disk 91%", inst.get("note").asText());
    }

    @Test
    void killingTheLeaderTurnsNoHeartbeatingInstanceCritical() {
        cluster = new TestCluster(3, FAST).start();
        int count = 20;
        for (int i = 0; i < count; i++) {
            register("pay", "p" + i, "3s", null);
        }
        Map<String, String> registeredAt = new HashMap<>();
        instances(cluster.awaitLeader(Duration.ofSeconds(5)), "pay").forEach((id, n) -> registeredAt.put(id, n.get("statusSince").asText()));
        beats = Executors.newScheduledThreadPool(4);
        for (int i = 0; i < count; i++) {
            String id = "p" + i;
            int preferred = i % 3;
            beats.scheduleAtFixedRate(() -> heartbeat("pay", id, preferred), 0, 1000, TimeUnit.MILLISECONDS);
        }
        TestCluster.sleep(2000);
        cluster.kill(cluster.awaitLeader(Duration.ofSeconds(5)));
        cluster.awaitLeader(Duration.ofSeconds(30));
        TestCluster.sleep(7000); // more than two TTLs after the kill
        Map<String, JsonNode> now = instances(cluster.awaitLeader(Duration.ofSeconds(5)), "pay");
        assertEquals(count, now.size());
        now.forEach((id, n) -> {
            assertEquals("passing", n.get("status").asText(), id + " " + n);
            assertEquals(registeredAt.get(id), n.get("statusSince").asText(), id + " must never have changed status");
        });
    }

    @Test
    void deadInstanceTurnsCriticalOnTimeWhileLeadersKeepChanging() {
        cluster = new TestCluster(3, FAST).start();
        register("db", "dead", "2s", null);
        // The living instance's TTL leaves room for one election plus a client timeout, as any deployment must.
        register("db", "alive", "4s", null);
        String aliveSince = instances(0, "db").get("alive").get("statusSince").asText();
        AtomicLong lastDeadBeat = new AtomicLong();
        assertEquals(200, heartbeat("db", "dead", 0));
        lastDeadBeat.set(System.currentTimeMillis());
        beats = Executors.newScheduledThreadPool(1);
        beats.scheduleAtFixedRate(() -> heartbeat("db", "alive", 1), 0, 600, TimeUnit.MILLISECONDS);
        // Kill the leader every ~2.5 s, bringing the previous victim back each time.
        Integer down = null;
        long deadline = lastDeadBeat.get() + 2000 /* ttl */ + 500 /* checkpoint */ + 1000 /* grace */ + 2500 /* election + slack */;
        boolean critical = false;
        long criticalSeenAt = 0;
        for (int round = 0; round < 4 && !critical; round++) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            if (down != null) {
                cluster.start(down);
            }
            cluster.kill(leader);
            down = leader;
            long until = System.currentTimeMillis() + 2500;
            while (System.currentTimeMillis() < until) {
                try {
                    int m = anyRunning();
                    JsonNode i = instances(m, "db").get("dead");
                    if (i != null && i.get("status").asText().equals("critical")) {
                        critical = true;
                        criticalSeenAt = System.currentTimeMillis();
                        break;
                    }
                } catch (RuntimeException e) {
                    // a member going down mid-read
                }
                TestCluster.sleep(100);
            }
        }
        if (!critical) {
            TestCluster.await("dead instance critical", Duration.ofSeconds(10), () -> status("db", "dead").equals("critical"));
            criticalSeenAt = System.currentTimeMillis();
        }
        assertTrue(criticalSeenAt <= deadline + 3000, "critical " + (criticalSeenAt - lastDeadBeat.get()) + " ms after the last heartbeat");
        if (down != null) {
            cluster.start(down);
        }
        cluster.awaitLeader(Duration.ofSeconds(30));
        TestCluster.sleep(2500);
        assertEquals("passing", status("db", "alive"), "the living instance survived the churn");
        assertEquals(aliveSince, instances(cluster.awaitLeader(Duration.ofSeconds(5)), "db").get("alive").get("statusSince").asText(),
                "the living instance never changed status");
    }

    @Test
    void massHeartbeatStopTripsSelfPreservationAndRecovers() {
        cluster = new TestCluster(3, FAST).start();
        TestCluster.sleep(1200);
        int count = 20;
        for (int i = 0; i < count; i++) {
            register("mass", "m" + i, "2s", null);
        }
        Map<String, Boolean> beating = new ConcurrentHashMap<>();
        for (int i = 0; i < count; i++) {
            beating.put("m" + i, true);
        }
        beats = Executors.newScheduledThreadPool(4);
        for (int i = 0; i < count; i++) {
            String id = "m" + i;
            beats.scheduleAtFixedRate(() -> {
                if (beating.get(id)) {
                    heartbeat("mass", id, 0);
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
        }
        TestCluster.sleep(1500);
        Map<String, String> registeredSince = new HashMap<>();
        instances(cluster.awaitLeader(Duration.ofSeconds(5)), "mass").forEach((id, n) -> registeredSince.put(id, n.get("statusSince").asText()));
        // 15 of 20 stop at once: far more than 30%, so nothing may expire.
        for (int i = 0; i < 15; i++) {
            beating.put("m" + i, false);
        }
        int leader = cluster.awaitLeader(Duration.ofSeconds(5));
        TestCluster.await("self-preservation on", Duration.ofSeconds(10), () -> cluster.server(leader).leases().selfPreservationActive());
        TestCluster.sleep(2000);
        instances(leader, "mass").forEach((id, n) -> assertEquals("passing", n.get("status").asText(), id + " held"));
        assertTrue(cluster.get(leader, "/metrics").body().contains("muster_self_preservation_active 1.0"));

        // Heartbeats return for all but two: expiry resumes, and the two real deaths turn critical.
        for (int i = 2; i < 15; i++) {
            beating.put("m" + i, true);
        }
        TestCluster.await("self-preservation off", Duration.ofSeconds(10), () -> !cluster.server(leader).leases().selfPreservationActive());
        TestCluster.await("the two dead ones critical", Duration.ofSeconds(10), () -> {
            Map<String, JsonNode> now = instances(leader, "mass");
            return now.get("m0").get("status").asText().equals("critical") && now.get("m1").get("status").asText().equals("critical");
        });
        Map<String, JsonNode> after = instances(leader, "mass");
        for (int i = 2; i < count; i++) {
            assertEquals("passing", after.get("m" + i).get("status").asText(), "m" + i + " is alive and must stay passing");
            assertEquals(registeredSince.get("m" + i), after.get("m" + i).get("statusSince").asText(), "m" + i + " never flapped");
        }
    }
}
