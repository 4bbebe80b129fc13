package io.muster.server.client;

import static io.muster.server.client.ClusterClients.DEADLINE;
import static io.muster.server.client.ClusterClients.awaitIds;
import static io.muster.server.client.ClusterClients.awaitReady;
import static io.muster.server.client.ClusterClients.builder;
import static io.muster.server.client.ClusterClients.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.MusterClient;
import io.muster.client.Registration;
import io.muster.client.RegistrationHandle;
import io.muster.client.ServiceView;
import io.muster.client.ServiceViewEvent;
import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Views through cluster failures: the leader killed under a view that was reading from it, and every member down
 * at once for a while, then restarted from disk. Each test has its own cluster.
 */
class ClusterFailureTest {
    private static final Map<String, String> FAST = Map.of(
            "lease-scan-interval", "100ms",
            "checkpoint-interval", "500ms",
            "lease-grace", "1s");

    private TestCluster cluster;
    private final java.util.List<AutoCloseable> closeAfter = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private MusterClient client(int firstMember) {
        MusterClient c = builder(cluster, 3, firstMember).build();
        closeAfter.add(c);
        return c;
    }

    /** Registers a check-less instance through whichever running member takes it, retrying through elections. */
    private void registerRaw(String service, String id) {
        TestCluster.await("registered " + service + "/" + id, DEADLINE, () -> {
            for (int m = 0; m < 3; m++) {
                if (!cluster.running(m)) {
                    continue;
                }
                try {
                    HttpResponse<String> r = cluster.send("PUT", m, "/v1/services/" + service + "/instances/" + id,
                            "{\"address\":\"10.2.0.1\",\"port\":9000}", Duration.ofSeconds(5));
                    if (r.statusCode() == 200) {
                        return true;
                    }
                } catch (RuntimeException e) {
                    // a member still starting or just killed: try the next
                }
            }
            return false;
        });
    }

    @Test
    void aViewReadingFromTheLeaderFollowsChangesMadeAfterTheLeaderIsKilled() throws Exception {
        cluster = new TestCluster(3, FAST).start();
        int leader = cluster.awaitLeader(DEADLINE);
        // Both clients prefer the leader, so the kill takes away the member they were talking to.
        MusterClient registrar = client(leader);
        RegistrationHandle alive = registrar.register(Registration.builder("api", "api-1").address("10.2.0.2").port(80)
                .ttl(Duration.ofSeconds(4)).build());
        MusterClient watcher = client(leader);
        ServiceView api = watcher.serviceView("api");
        awaitReady(api);
        awaitIds(api, Set.of("api-1"));
        ClusterClients.Recorder events = ClusterClients.Recorder.on(api);

        cluster.kill(leader);
        cluster.awaitLeader(DEADLINE);
        registerRaw("api", "api-2");

        awaitIds(api, Set.of("api-1", "api-2"));
        assertFalse(api.isStale());
        // Past a TTL after the kill, the registrar's heartbeats (now going to a survivor) have kept api-1 alive.
        TestCluster.sleep(4500);
        assertEquals(Set.of("api-1", "api-2"), ids(api), "events: " + events.summary());
        assertTrue(alive.isOpen());
        assertEquals(0, alive.reregistrations(), "api-1 never expired, so it never needed registering again");
    }

    @Test
    void aViewKeepsServingWhileEveryMemberIsDownAndCatchesUpAfterTheyRestart() throws Exception {
        cluster = new TestCluster(3, FAST).start();
        registerRaw("db", "db-1");
        registerRaw("db", "db-2");
        Path cacheDir = Files.createTempDirectory("muster-client-cache");
        MusterClient watcher = closingClient(builder(cluster, 3, 0).cacheDirectory(cacheDir).build());
        ServiceView db = watcher.serviceView("db");
        awaitReady(db);
        awaitIds(db, Set.of("db-1", "db-2"));
        ClusterClients.Recorder events = ClusterClients.Recorder.on(db);

        for (int i = 0; i < 3; i++) {
            cluster.kill(i);
        }

        events.await("stale", e -> e.type() == ServiceViewEvent.Type.STALE);
        assertTrue(db.isStale());
        assertEquals(Set.of("db-1", "db-2"), ids(db), "the last known endpoints stay on offer");
        Duration early = db.staleness();
        TestCluster.sleep(2000);
        Duration later = db.staleness();
        assertTrue(later.minus(early).toMillis() >= 2000, "staleness grows with the outage: " + early + " -> " + later);
        // A process starting during the outage gets the endpoints from the cache the first view wrote.
        MusterClient restarted = closingClient(builder(cluster, 3, 1).cacheDirectory(cacheDir).build());
        ServiceView fromCache = restarted.serviceView("db");
        awaitReady(fromCache);
        assertEquals(Set.of("db-1", "db-2"), ids(fromCache));
        assertTrue(fromCache.isStale());

        for (int i = 0; i < 3; i++) {
            cluster.start(i);
        }
        cluster.awaitLeader(DEADLINE);
        registerRaw("db", "db-3");

        awaitIds(db, Set.of("db-1", "db-2", "db-3"));
        awaitIds(fromCache, Set.of("db-1", "db-2", "db-3"));
        TestCluster.await("current again", DEADLINE, () -> !db.isStale() && !fromCache.isStale());
        assertTrue(db.staleness().compareTo(later) < 0, "staleness falls back once the registry answers: " + db.staleness());
        assertFalse(db.isProtected());
    }

    private MusterClient closingClient(MusterClient c) {
        closeAfter.add(c);
        return c;
    }
}
