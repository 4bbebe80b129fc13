package io.muster.server.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.SnapshotFormat;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Status;
import java.io.ByteArrayOutputStream;
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
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract's limits on a real three-member cluster: check targets refused at registration and at probe time,
 * quotas and per-client limits under concurrent load that tries to exceed them (the members stay responsive), and
 * a restore bomb refused without changing anything. Member 1 takes the rate-limit load alone; the others the rest.
 */
class LimitsClusterTest {
    private static final int PER_SERVICE = 20;
    private static TestCluster cluster;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        cluster = new TestCluster(3, Map.of(
                "max-instances-per-service", String.valueOf(PER_SERVICE),
                "max-blocking-queries-per-client", "3",
                "max-restore-size", "65536")).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String ttl(String address) {
        return "{\"address\":\"" + address + "\",\"port\":80,\"check\":{\"ttl\":\"30s\"}}";
    }

    private static String httpCheck(String url) {
        return "{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"http\":\"" + url + "\",\"interval\":\"1s\",\"timeout\":\"500ms\"}}";
    }

    private static String tcpCheck(String target) {
        return "{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"tcp\":\"" + target + "\",\"interval\":\"1s\",\"timeout\":\"500ms\"}}";
    }

    private static void assertRefusedTarget(HttpResponse<String> r, String field) {
        assertEquals(400, r.statusCode(), r.body());
        var body = TestCluster.json(r);
        assertEquals("invalid_argument", body.get("error").asText());
        assertEquals(field, body.get("field").asText());
    }

    @Test
    void checksAimedAtMetadataOrAMembersPortAreRefusedAtRegistrationAndChangeNothing() {
        String before = cluster.get(0, "/v1/services?consistency=consistent").body();
        var p = cluster.ports(1);
        assertRefusedTarget(cluster.put(0, "/v1/services/ssrf/instances/a", httpCheck("http://169.254.169.254/latest/meta-data/")), "check.http");
        assertRefusedTarget(cluster.put(0, "/v1/services/ssrf/instances/b", httpCheck("http://[::ffff:169.254.169.254]/")), "check.http");
        assertRefusedTarget(cluster.put(2, "/v1/services/ssrf/instances/c", httpCheck("http://127.0.0.1:" + p.http() + "/v1/snapshot")), "check.http");
        assertRefusedTarget(cluster.put(0, "/v1/services/ssrf/instances/d", tcpCheck("127.0.0.1:" + p.raft())), "check.tcp");
        assertRefusedTarget(cluster.put(0, "/v1/services/ssrf/instances/e", tcpCheck("[::1]:22")), "check.tcp");
        assertRefusedTarget(cluster.put(0, "/v1/services/ssrf/instances/f", tcpCheck("localhost:" + cluster.ports(0).dns())), "check.tcp");
        assertRefusedTarget(cluster.put(0, "/v1/services/ssrf/instances/g", httpCheck("http://0.0.0.0:" + p.http() + "/")), "check.http");

        assertEquals(before, cluster.get(0, "/v1/services?consistency=consistent").body());
        assertTrue(cluster.server(0).meters().scrape().contains("muster_check_refused_total{stage=\"registration\"}"));
    }

    /**
     * A restore is not judged at registration, so it can carry a check on the metadata address and on a member's
     * own port; every probe judges again and refuses, and the instances stay critical with the reason as note.
     */
    @Test
    void checksThatArriveByRestoreAreRefusedAtProbeTime() throws Exception {
        Catalog c = new Catalog();
        Check.Http metadata = new Check.Http("http://169.254.169.254/latest/meta-data/", Duration.ofMillis(500), Duration.ofMillis(400), null);
        Check.Tcp raft = new Check.Tcp("localhost:" + cluster.ports(0).raft(), Duration.ofMillis(500), Duration.ofMillis(400), null);
        // Registered now: an instance critical for longer than deregisterAfter would be removed at once.
        c.apply(1, new Entry(System.currentTimeMillis(), List.of(
                new Command.Register("probed", "metadata", new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1, metadata)),
                new Command.Register("probed", "raft", new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1, raft)))));
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.url(2) + "/v1/snapshot"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(SnapshotFormat.toBytes(c.export()))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());

        // Each is probed (and refused) repeatedly; a refusal is a failing result, so they never pass.
        TestCluster.await("probes of both refused, repeatedly", Duration.ofSeconds(30), () -> {
            long probeRefusals = 0;
            for (int m = 0; m < 3; m++) {
                probeRefusals += counter(cluster.server(m).meters().scrape(), "muster_check_refused_total{stage=\"probe\"}");
            }
            return probeRefusals >= 6;
        });
        var svc = TestCluster.json(cluster.get(0, "/v1/services/probed?consistency=consistent"));
        assertEquals(2, svc.get("instances").size());
        for (var i : svc.get("instances")) {
            assertEquals(Status.CRITICAL.wireName(), i.get("status").asText(), i.toString());
        }
    }

    @Test
    void concurrentRegistrationsStopExactlyAtTheQuotaOnEveryMember() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 3 * PER_SERVICE; i++) {
            int member = i % 2 == 0 ? 0 : 2;
            all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(cluster.url(member) + "/v1/services/quota/instances/i" + i))
                    .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(ttl("10.0.1." + (i % 250 + 1))))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()));
        }
        // The member stays responsive while the burst is applied: a stale read answers.
        assertEquals(200, cluster.get(0, "/v1/services/quota?consistency=stale").statusCode());
        int ok = 0;
        int refused = 0;
        String registered = null;
        for (int i = 0; i < all.size(); i++) {
            var r = all.get(i).get(60, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                ok++;
                registered = "i" + i;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertEquals("quota_exceeded", TestCluster.json(r).get("error").asText());
                assertTrue(r.headers().firstValue("Retry-After").isEmpty(), "a quota has no Retry-After");
                refused++;
            }
        }
        assertEquals(PER_SERVICE, ok);
        assertEquals(2 * PER_SERVICE, refused);
        for (int m = 0; m < 3; m++) {
            int member = m;
            TestCluster.await("member " + m + " holds exactly the quota", Duration.ofSeconds(20),
                    () -> TestCluster.json(cluster.get(member, "/v1/services/quota?consistency=stale")).get("instances").size() == PER_SERVICE);
        }
        // Replacing an instance at the quota is no new instance: it passes. Which ones won the race is not fixed,
        // so the replaced one is one that was answered 200.
        assertEquals(200, cluster.put(0, "/v1/services/quota/instances/" + registered, ttl("10.9.9.9")).statusCode());
    }

    /** A member of its own with a rate low enough that a burst of requests must exceed it, however slow the machine. */
    @Test
    void aFloodFromOneClientIsRateLimitedWhileTheMemberStaysResponsive() throws Exception {
        try (TestCluster limited = new TestCluster(1, Map.of("rate-limit", "1", "rate-limit-burst", "5")).start()) {
            flood(limited);
        }
    }

    private static void flood(TestCluster one) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(one.url(0) + "/v1/services/flood?consistency=stale"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        assertEquals(200, one.get(0, "/health/live").statusCode(), "health is never rate-limited");
        int limited = 0;
        for (var f : all) {
            var r = f.get(60, TimeUnit.SECONDS);
            if (r.statusCode() == 429) {
                limited++;
                assertEquals("rate_limited", TestCluster.json(r).get("error").asText());
                long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(retry >= 1, "Retry-After " + retry);
            } else {
                assertEquals(200, r.statusCode(), r.body());
            }
        }
        assertTrue(limited > 0, "60 requests at once exceed a burst of 5 at 1/s");
        assertTrue(counter(one.server(0).meters().scrape(), "muster_rate_limited_total{limit=\"rate\"}") >= limited);
        assertEquals(200, cluster.get(0, "/v1/services?consistency=stale").statusCode(), "another cluster's member is unaffected");
    }

    @Test
    void parkedQueriesPerClientAreBounded() throws Exception {
        long index = Long.parseLong(cluster.get(2, "/v1/services/parked?consistency=stale").headers().firstValue("X-Muster-Index").orElseThrow());
        List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parked.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(cluster.url(2) + "/v1/services/parked?consistency=stale&index="
                    + index + "&wait=20s")).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        TestCluster.await("three queries parked", Duration.ofSeconds(20),
                () -> cluster.server(2).meters().scrape().contains("muster_blocking_queries 3.0"));
        var fourth = cluster.get(2, "/v1/services/parked?consistency=stale&index=" + index + "&wait=20s");
        assertEquals(429, fourth.statusCode(), fourth.body());
        assertEquals("rate_limited", TestCluster.json(fourth).get("error").asText());
        assertTrue(fourth.headers().firstValue("Retry-After").isPresent());

        // A change answers the parked ones, which frees their slots.
        assertEquals(200, cluster.put(0, "/v1/services/parked/instances/p1", ttl("10.0.2.1")).statusCode());
        for (var f : parked) {
            assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
        }
        TestCluster.await("slots freed", Duration.ofSeconds(20),
                () -> cluster.server(2).meters().scrape().contains("muster_blocking_queries 0.0"));
    }

    @Test
    void aRestoreBombIsRefusedNamingTheLimitAndChangesNothing() throws Exception {
        assertEquals(200, cluster.put(0, "/v1/services/kept/instances/k1", ttl("10.0.3.1")).statusCode());
        String before = cluster.get(0, "/v1/services?consistency=consistent").body();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write("{\"format\":\"muster-snapshot\",\"version\":1,\"pad\":\"".getBytes());
            byte[] pad = new byte[8 << 20];
            java.util.Arrays.fill(pad, (byte) 'a');
            gz.write(pad);
        }
        assertTrue(out.size() < 65536, "the bomb is small: " + out.size());
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.url(0) + "/v1/snapshot"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(413, r.statusCode(), r.body());
        assertEquals("too_large", TestCluster.json(r).get("error").asText());
        assertTrue(TestCluster.json(r).get("message").asText().contains("--max-restore-size"), r.body());
        assertEquals(before, cluster.get(0, "/v1/services?consistency=consistent").body());
        assertFalse(cluster.get(0, "/v1/services/kept?consistency=consistent").body().contains("\"instances\":[]"));
    }

    private static long counter(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}
