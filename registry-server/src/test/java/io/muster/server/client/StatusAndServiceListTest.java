package io.muster.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.InstanceStatus;
import io.muster.client.MusterClient;
import io.muster.client.Registration;
import io.muster.client.RegistrationHandle;
import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What discovery adapters (Spring Cloud's DiscoveryClient and ServiceRegistry) need from the client, against a real
 * cluster: the list of services, and an application setting its own instance's status through its heartbeats.
 */
class StatusAndServiceListTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(3).start();
        cluster.awaitLeader(ClusterClients.DEADLINE);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String status(String service, String id) {
        var r = cluster.get(0, "/v1/services/" + service);
        for (var i : TestCluster.json(r).path("instances")) {
            if (i.path("id").asText().equals(id)) {
                return i.path("status").asText() + "/" + i.path("note").asText();
            }
        }
        return "absent";
    }

    @Test
    void servicesListsEveryServiceSorted() {
        try (MusterClient client = ClusterClients.builder(cluster, 3, 1).build()) {
            client.register(Registration.builder("zeta", "z1").address("10.0.0.1").port(80).build());
            client.register(Registration.builder("alpha", "a1").address("10.0.0.2").port(80).build());
            TestCluster.await("both listed", ClusterClients.DEADLINE,
                    () -> client.services().containsAll(List.of("alpha", "zeta")));
            List<String> names = client.services();
            assertEquals(names.stream().sorted().toList(), names);
            assertTrue(client.servicesAsync().join().contains("alpha"));
        }
    }

    @Test
    void setStatusReachesTheRegistryThroughTheHeartbeats() {
        try (MusterClient client = ClusterClients.builder(cluster, 3, 2).build()) {
            // A long TTL: the next regular beat is 10 s away, so the status travels on the beat setStatus sends.
            RegistrationHandle handle = client.register(Registration.builder("orders", "o1").address("10.0.0.3")
                    .port(8080).ttl(Duration.ofSeconds(30)).build());
            assertEquals(InstanceStatus.PASSING, handle.status());

            handle.setStatus(InstanceStatus.CRITICAL, "draining");
            assertEquals(InstanceStatus.CRITICAL, handle.status());
            TestCluster.await("critical in the registry", ClusterClients.DEADLINE,
                    () -> status("orders", "o1").equals("critical/draining"));

            handle.setStatus(InstanceStatus.PASSING, "");
            TestCluster.await("passing again", ClusterClients.DEADLINE,
                    () -> status("orders", "o1").startsWith("passing/"));

            assertThrows(IllegalArgumentException.class, () -> handle.setStatus(InstanceStatus.WARNING, "x".repeat(1025)));
            assertThrows(NullPointerException.class, () -> handle.setStatus(null, ""));
            handle.close();
            assertThrows(IllegalStateException.class, () -> handle.setStatus(InstanceStatus.PASSING, ""));
        }
    }
}
