package io.muster.server.check;

import static io.muster.server.check.CheckFixture.awaitStatus;
import static io.muster.server.check.CheckFixture.http;
import static io.muster.server.check.CheckFixture.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.MusterServer;
import io.muster.server.testing.TestCluster;
import io.muster.store.model.Instance;
import io.muster.store.model.Status;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Killing the member that checks an instance: the checks move to a surviving member, and the instance's status
 * never flickers meanwhile (no member invents a transition from a partial run of results). A member coming back
 * is counted live again.
 */
class CheckFailoverTest {
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killingTheCheckingMemberMovesItsChecksWithoutFlapping() throws Exception {
        cluster = new TestCluster(3).start();
        try (HttpTarget target = new HttpTarget()) {
            register(cluster, "pay", "p1", http(target.url("/health"), "1s", "1s"));
            Instance before = awaitStatus(cluster, "pay", "p1", Status.PASSING);
            int owner = checker(target);

            List<String> seen = new CopyOnWriteArrayList<>();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    for (int m = 0; m < 3; m++) {
                        MusterServer s = cluster.server(m);
                        if (s == null) {
                            continue;
                        }
                        Optional<Instance> i = s.node().catalog().service("pay").map(e -> e.instances().get("p1"));
                        i.ifPresent(x -> {
                            if (x.status() != Status.PASSING || x.statusSince() != before.statusSince()) {
                                seen.add("member " + m(s) + ": " + x.status().wireName() + " since " + x.statusSince() + " " + x.note());
                            }
                        });
                    }
                    TestCluster.sleep(20);
                }
            }, "status-watcher");
            watcher.start();

            String killed = cluster.id(owner);
            long killedAt = System.currentTimeMillis();
            cluster.kill(owner);
            TestCluster.await("probes from a surviving member", CheckFixture.DEADLINE,
                    () -> target.probesSince(killedAt).stream().anyMatch(p -> !p.userAgent().endsWith("/" + killed)));
            // A few more intervals under the new checker, then look back.
            long movedAt = System.currentTimeMillis();
            TestCluster.sleep(4000);
            watching.set(false);
            watcher.join();
            assertEquals(List.of(), seen, "status changed while its checks moved");
            Set<String> after = target.probesSince(movedAt).stream().map(HttpTarget.Probe::userAgent).collect(Collectors.toSet());
            assertEquals(1, after.size(), "probed after the move by " + after);
            assertTrue(!after.contains("muster-check/" + killed));
            Instance now = CheckFixture.instance(cluster, "pay", "p1").orElseThrow();
            assertEquals(Status.PASSING, now.status());
            assertEquals(before.statusSince(), now.statusSince());

            // The killed member comes back: the leader counts it live again.
            cluster.start(owner);
            TestCluster.await(killed + " live again", CheckFixture.DEADLINE, () -> liveOption().contains(killed));
        }
    }

    private static String m(MusterServer s) {
        return s.config().id();
    }

    private String liveOption() {
        int leader = cluster.awaitLeader(CheckFixture.DEADLINE);
        return cluster.server(leader).node().catalog().option(LiveMembers.OPTION).orElse(String.join(",", "n1", "n2", "n3"));
    }

    /** The index of the member whose probes reach the target now. */
    private int checker(HttpTarget target) {
        long from = System.currentTimeMillis();
        TestCluster.await("a probe", CheckFixture.DEADLINE, () -> !target.probesSince(from).isEmpty());
        String agent = target.probesSince(from).get(0).userAgent();
        for (int m = 0; m < 3; m++) {
            if (agent.equals("muster-check/" + cluster.id(m))) {
                return m;
            }
        }
        throw new AssertionError("unknown checker " + agent);
    }
}
