package io.muster.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.MusterClient;
import io.muster.client.Registration;
import io.muster.client.RegistrationHandle;
import io.muster.client.RetryPolicy;
import io.muster.client.ServiceView;
import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of all three members under steady client load: each member is stopped gracefully (SIGTERM's
 * path: leadership handed over, requests drained) and restarted from its data directory, one after the other.
 * No client operation may fail once the client's own retries are done.
 */
class RollingRestartTest {
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void rollingRestartUnderLoadFailsNoClientRequest() throws Exception {
        cluster = new TestCluster(3).start();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(cluster.url(i));
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger operations = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        try (MusterClient client = MusterClient.builder().members(members)
                .requestTimeout(Duration.ofSeconds(3))
                .retryPolicy(RetryPolicy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), 8))
                .build();
             ServiceView view = client.serviceView("rolling")) {
            RegistrationHandle steady = client.register(Registration.builder("rolling", "steady")
                    .address("10.0.0.1").port(8080).ttl(Duration.ofSeconds(5)).build());
            Thread load = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    try {
                        RegistrationHandle h = client.register(Registration.builder("rolling", "churn-" + (n++ % 20))
                                .address("10.0.0.2").port(9000).ttl(Duration.ofSeconds(10)).build());
                        operations.incrementAndGet();
                        h.deregister();
                        operations.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }, "rolling-load");
            load.start();
            for (int i = 0; i < 3; i++) {
                int before = operations.get();
                TestCluster.await("load flowing", Duration.ofSeconds(30), () -> operations.get() > before + 10);
                cluster.stop(i);
                TestCluster.sleep(500);
                cluster.start(i);
                int member = i;
                TestCluster.await("member " + i + " ready", Duration.ofSeconds(60), () ->
                        cluster.get(member, "/health/ready").statusCode() == 200);
            }
            int before = operations.get();
            TestCluster.await("load flowing after the restart", Duration.ofSeconds(30), () -> operations.get() > before + 10);
            running.set(false);
            load.join(30_000);

            assertTrue(failures.isEmpty(), "client operations failed during the rolling restart: " + failures);
            assertTrue(steady.isOpen());
            TestCluster.await("the view still sees the steady instance", Duration.ofSeconds(20), () ->
                    view.endpoints().stream().anyMatch(e -> e.id().equals("steady")));
            assertEquals("passing", statusOf("steady"));
        }
    }

    private String statusOf(String id) {
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        String body = cluster.get(leader, "/v1/services/rolling").body();
        int at = body.indexOf("\"id\":\"" + id + "\"");
        int status = body.indexOf("\"status\":\"", at) + 10;
        return body.substring(status, body.indexOf('"', status));
    }
}
