package io.muster.render;

import io.muster.server.ServerConfig;
import io.muster.server.testing.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** What the balancer tests share: a cluster that may probe loopback, registrations, and where things are. */
final class Fixtures {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Fixtures() {
    }

    /**
     * A three-member cluster whose checks may probe the backends on loopback. Active checks refuse 127.0.0.0/8
     * unless {@code --check-allow} names it; the flag is passed whenever this build of the server has it.
     */
    static TestCluster cluster() {
        Map<String, String> flags = new HashMap<>();
        if (ServerConfig.OPTIONS.containsKey("check-allow")) {
            flags.put("check-allow", "127.0.0.0/8");
        }
        TestCluster cluster = new TestCluster(3, flags).start();
        cluster.awaitLeader(DEADLINE);
        return cluster;
    }

    static List<String> members(TestCluster cluster) {
        return List.of(cluster.url(0), cluster.url(1), cluster.url(2));
    }

    static void register(TestCluster cluster, String service, String id, String body) {
        var r = cluster.put(cluster.anyFollower(), "/v1/services/" + service + "/instances/" + id, body);
        if (r.statusCode() != 200) {
            throw new AssertionError("registering " + id + ": " + r.statusCode() + " " + r.body());
        }
    }

    static int passing(TestCluster cluster, String service) {
        var r = cluster.get(0, "/v1/services/" + service + "?healthy=true&consistency=stale");
        return r.statusCode() == 200 ? TestCluster.json(r).path("instances").size() : -1;
    }

    static void awaitPassing(TestCluster cluster, String service, int n) {
        TestCluster.await(n + " passing instances of " + service, DEADLINE, () -> passing(cluster, service) == n);
    }

    /** The shipped example templates, as the docs show them. */
    static Path example(String name) {
        return Path.of("..", "docs", "examples", name).toAbsolutePath().normalize();
    }

    static void requireCommand(String command) {
        boolean found = List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
                .anyMatch(dir -> Path.of(dir, command).toFile().canExecute())
                || Path.of("/usr/sbin", command).toFile().canExecute();
        Assumptions.assumeTrue(found, command + " is not installed (.ci/run installs it)");
    }

    static String binary(String command) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Path.of(dir, command).toFile().canExecute()) {
                return Path.of(dir, command).toString();
            }
        }
        return command;
    }

    /** A free port for a balancer; TestCluster's hand-out keeps it from being reused within this JVM. */
    static int freePort() {
        return TestCluster.freePort();
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // Cleanup after a test: the test's own failure (if any) is what matters.
            }
        }
    }

}
