package io.muster.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.server.MusterServer;
import io.muster.server.testing.TestCluster;
import io.muster.store.model.Instance;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Registration and status reads shared by the cluster tests of checks. */
final class CheckFixture {
    static final Duration DEADLINE = Duration.ofSeconds(40);

    private CheckFixture() {
    }

    static String http(String url, String interval, String timeout) {
        return "{\"http\":\"" + url + "\",\"interval\":\"" + interval + "\",\"timeout\":\"" + timeout + "\"}";
    }

    static String tcp(String hostPort, String interval, String timeout) {
        return "{\"tcp\":\"" + hostPort + "\",\"interval\":\"" + interval + "\",\"timeout\":\"" + timeout + "\"}";
    }

    static void register(TestCluster cluster, String service, String id, String check) {
        for (int m = 0; m < 3; m++) {
            if (!cluster.running(m)) {
                continue;
            }
            HttpResponse<String> r = cluster.put(m, "/v1/services/" + service + "/instances/" + id,
                    "{\"address\":\"127.0.0.1\",\"port\":8080,\"check\":" + check + "}");
            assertEquals(200, r.statusCode(), r.body());
            return;
        }
        throw new AssertionError("no running member");
    }

    /** The instance as some running member's catalog holds it now (stale read: fine for eventual checks). */
    static Optional<Instance> instance(TestCluster cluster, String service, String id) {
        for (int m = 0; m < 3; m++) {
            MusterServer s = cluster.server(m);
            if (s != null) {
                return s.node().catalog().service(service).map(e -> e.instances().get(id));
            }
        }
        return Optional.empty();
    }

    static Instance awaitStatus(TestCluster cluster, String service, String id, io.muster.store.model.Status status) {
        TestCluster.await(service + "/" + id + " " + status.wireName(), DEADLINE,
                () -> instance(cluster, service, id).filter(i -> i.status() == status).isPresent());
        return instance(cluster, service, id).orElseThrow();
    }
}
