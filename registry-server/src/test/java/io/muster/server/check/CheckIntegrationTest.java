package io.muster.server.check;

import static io.muster.server.check.CheckFixture.awaitStatus;
import static io.muster.server.check.CheckFixture.http;
import static io.muster.server.check.CheckFixture.instance;
import static io.muster.server.check.CheckFixture.register;
import static io.muster.server.check.CheckFixture.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Active checks on a real three-member cluster against real local HTTP and TCP targets, with the default
 * thresholds (3 failures, 2 successes). One cluster serves every test; each test uses its own service.
 */
class CheckIntegrationTest {
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new TestCluster(3).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void failingEndpointTurnsCriticalAfterTheThresholdAndBackAfterRecovery() throws Exception {
        try (HttpTarget target = new HttpTarget()) {
            register(cluster, "orders", "o1", http(target.url("/health"), "1s", "1s"));
            Instance up = awaitStatus(cluster, "orders", "o1", Status.PASSING);
            assertTrue(up.note().startsWith("HTTP 200") && up.note().endsWith("all good"), up.note());

            long failingFrom = System.currentTimeMillis();
            target.mode(HttpTarget.Mode.ERROR);
            Instance down = awaitStatus(cluster, "orders", "o1", Status.CRITICAL);
            assertTrue(down.note().startsWith("HTTP 500") && down.note().endsWith("database unreachable"), down.note());
            assertTrue(target.probesSince(failingFrom).size() >= 3,
                    "critical after " + target.probesSince(failingFrom).size() + " failing probes, threshold 3");

            long recoveringFrom = System.currentTimeMillis();
            target.mode(HttpTarget.Mode.OK);
            Instance back = awaitStatus(cluster, "orders", "o1", Status.PASSING);
            assertTrue(target.probesSince(recoveringFrom).size() >= 2,
                    "passing after " + target.probesSince(recoveringFrom).size() + " passing probes, threshold 2");
            assertTrue(back.statusSince() > down.statusSince());
        }
    }

    @Test
    void tooManyRequestsTurnsWarningAndStaysRegistered() throws Exception {
        try (HttpTarget target = new HttpTarget()) {
            register(cluster, "billing", "b1", http(target.url("/health"), "1s", "1s"));
            awaitStatus(cluster, "billing", "b1", Status.PASSING);
            target.mode(HttpTarget.Mode.TOO_MANY);
            Instance warned = awaitStatus(cluster, "billing", "b1", Status.WARNING);
            assertTrue(warned.note().startsWith("HTTP 429"), warned.note());
        }
    }

    @Test
    void exactlyOneMemberProbesEachInstance() throws Exception {
        try (HttpTarget target = new HttpTarget()) {
            for (int i = 0; i < 6; i++) {
                register(cluster, "spread", "s" + i, http(target.url("/s" + i), "1s", "1s"));
            }
            for (int i = 0; i < 6; i++) {
                awaitStatus(cluster, "spread", "s" + i, Status.PASSING);
            }
            long from = System.currentTimeMillis();
            TestCluster.sleep(5000);
            long to = System.currentTimeMillis();
            Map<String, List<HttpTarget.Probe>> byPath = target.probesSince(from).stream()
                    .filter(p -> p.atMillis() < to)
                    .collect(Collectors.groupingBy(HttpTarget.Probe::path));
            Set<String> members = new java.util.TreeSet<>();
            for (int i = 0; i < 6; i++) {
                List<HttpTarget.Probe> probes = byPath.getOrDefault("/s" + i, List.of());
                Set<String> agents = probes.stream().map(HttpTarget.Probe::userAgent).collect(Collectors.toSet());
                assertEquals(1, agents.size(), "/s" + i + " probed by " + agents);
                // Five seconds at one probe a second; three members probing would be about fifteen.
                assertTrue(probes.size() <= 7, "/s" + i + " probed " + probes.size() + " times in 5 s at a 1 s interval");
                members.addAll(agents);
            }
            assertTrue(members.size() >= 2, "all six instances checked by " + members);
            TestCluster.await("every probed instance assigned exactly once", CheckFixture.DEADLINE,
                    () -> assignedTotal() == probedInstances());
        }
    }

    private static int assignedTotal() {
        int n = 0;
        for (int m = 0; m < 3; m++) {
            n += cluster.server(m).checks().assigned();
        }
        return n;
    }

    private static long probedInstances() {
        return cluster.server(0).node().catalog().services().stream()
                .map(ServiceEntry::instances)
                .flatMap(i -> i.values().stream())
                .filter(i -> i.check() instanceof Check.Http || i.check() instanceof Check.Tcp)
                .count();
    }

    @Test
    void hangingResettingAndGarbageTargetsTurnCritical() throws Exception {
        try (RawTarget hang = new RawTarget(RawTarget.Mode.HTTP_OK);
                RawTarget reset = new RawTarget(RawTarget.Mode.HTTP_OK);
                RawTarget garbage = new RawTarget(RawTarget.Mode.HTTP_OK)) {
            register(cluster, "hostile", "hang", http("http://" + hang.hostPort() + "/health", "1s", "500ms"));
            register(cluster, "hostile", "reset", http("http://" + reset.hostPort() + "/health", "1s", "1s"));
            register(cluster, "hostile", "garbage", http("http://" + garbage.hostPort() + "/health", "1s", "1s"));
            for (String id : List.of("hang", "reset", "garbage")) {
                awaitStatus(cluster, "hostile", id, Status.PASSING);
            }
            hang.mode(RawTarget.Mode.HANG);
            reset.mode(RawTarget.Mode.RESET);
            garbage.mode(RawTarget.Mode.GARBAGE);
            assertEquals("GET timed out after 500ms", awaitStatus(cluster, "hostile", "hang", Status.CRITICAL).note());
            String resetNote = awaitStatus(cluster, "hostile", "reset", Status.CRITICAL).note();
            assertTrue(resetNote.startsWith("GET failed"), resetNote);
            String garbageNote = awaitStatus(cluster, "hostile", "garbage", Status.CRITICAL).note();
            assertTrue(garbageNote.length() <= CheckSettings.NOTE_LIMIT, garbageNote);
            // The members are unharmed: they still answer reads.
            for (int m = 0; m < 3; m++) {
                assertEquals(200, cluster.get(m, "/v1/services/hostile").statusCode());
            }
        }
    }

    @Test
    void tenMegabyteAnswerPassesWithABoundedNote() throws Exception {
        try (HttpTarget target = new HttpTarget()) {
            target.mode(HttpTarget.Mode.TEN_MB);
            register(cluster, "bulky", "big", http(target.url("/health"), "2s", "2s"));
            Instance up = awaitStatus(cluster, "bulky", "big", Status.PASSING);
            assertTrue(up.note().length() <= CheckSettings.NOTE_LIMIT, "note of " + up.note().length() + " chars");
            long since = up.statusSince();
            int before = target.probes().size();
            TestCluster.await("more probes of the 10 MB target", CheckFixture.DEADLINE, () -> target.probes().size() >= before + 3);
            Instance still = instance(cluster, "bulky", "big").orElseThrow();
            assertEquals(Status.PASSING, still.status());
            assertEquals(since, still.statusSince());
        }
    }

    @Test
    void tcpTargetGoingDownAndUpIsFollowed() throws Exception {
        try (RawTarget target = new RawTarget(RawTarget.Mode.ACCEPT)) {
            register(cluster, "cache", "c1", tcp(target.hostPort(), "1s", "1s"));
            Instance up = awaitStatus(cluster, "cache", "c1", Status.PASSING);
            assertEquals("TCP connect to " + target.hostPort() + " succeeded", up.note());
            target.stop();
            Instance down = awaitStatus(cluster, "cache", "c1", Status.CRITICAL);
            assertTrue(down.note().startsWith("TCP connect to " + target.hostPort() + " failed"), down.note());
            target.restart();
            awaitStatus(cluster, "cache", "c1", Status.PASSING);
        }
    }

    @Test
    void reRegisteringWithAnotherCheckKindStartsCriticalAgain() throws Exception {
        try (HttpTarget target = new HttpTarget(); RawTarget tcpTarget = new RawTarget(RawTarget.Mode.ACCEPT)) {
            register(cluster, "swap", "w1", http(target.url("/health"), "1s", "1s"));
            awaitStatus(cluster, "swap", "w1", Status.PASSING);
            tcpTarget.stop();
            register(cluster, "swap", "w1", tcp(tcpTarget.hostPort(), "1s", "1s"));
            Instance fresh = instance(cluster, "swap", "w1").orElseThrow();
            assertEquals(Status.CRITICAL, fresh.status(), "a new kind of check starts critical (contract)");
            tcpTarget.restart();
            awaitStatus(cluster, "swap", "w1", Status.PASSING);
        }
    }

    static Duration deadline() {
        return CheckFixture.DEADLINE;
    }
}
