package io.muster.server.check;

import io.micrometer.core.instrument.Counter;
import io.muster.server.MusterServer;
import io.muster.server.testing.TestCluster;
import io.muster.store.command.Command;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How many checks per second a three-member cluster sustains here. For each load (instances × interval) it starts
 * a fresh cluster, registers that many HTTP-checked instances against one local target (its own process), waits
 * for all to pass, warms up, then counts probes across the members over a window, with the CPU the cluster's JVM
 * and the target used and the Raft entries written meanwhile. Prints figures; asserts nothing about speed.
 *
 * <p>Run: {@code mvn -q -B test -pl registry-server -am -Dtest='io/muster/server/check/CheckBenchmark'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dgroups=benchmark -Dmuster.excludedGroups=none}; loads are set with
 * {@code -Dmuster.bench.loads=2000x1s,5000x1s,10000x1s}, the window with {@code -Dmuster.bench.window=20}.
 */
@Tag("benchmark")
class CheckBenchmark {
    private static final int TARGET_PORTS = 16;

    @Test
    void checksPerSecond() throws Exception {
        String loads = System.getProperty("muster.bench.loads", "2000x1s,5000x1s,10000x1s");
        int window = Integer.getInteger("muster.bench.window", 20);
        List<String> lines = new ArrayList<>();
        for (String load : loads.split(",")) {
            String[] p = load.split("x");
            lines.add(run(Integer.parseInt(p[0]), p[1], window));
        }
        System.out.println("\n=== check benchmark (3 members, one JVM; target in its own process) ===");
        lines.forEach(System.out::println);
    }

    private String run(int instances, String interval, int windowSeconds) throws Exception {
        Process target = startTarget();
        try (TestCluster cluster = new TestCluster(3, Map.of("snapshot-threshold", "100000")).start()) {
            List<Integer> ports = targetPorts(target);
            Duration iv = io.muster.store.model.GoDuration.parse(interval);
            register(cluster, instances, ports, iv);
            long t0 = System.nanoTime();
            TestCluster.await("all " + instances + " passing", Duration.ofMinutes(3), () -> passing(cluster) == instances);
            double rampSeconds = (System.nanoTime() - t0) / 1e9;
            TestCluster.sleep(5000);

            int leader = cluster.awaitLeader(Duration.ofSeconds(10));
            double probes0 = probes(cluster);
            double failed0 = failed(cluster);
            double timeSum0 = durationSum(cluster);
            double delayed0 = counter(cluster, "muster_checks_delayed");
            double transitions0 = counter(cluster, "muster_check_transitions");
            long index0 = cluster.server(leader).node().catalog().appliedIndex();
            long cpu0 = processCpuNanos();
            long targetCpu0 = target.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
            long w0 = System.nanoTime();
            TestCluster.sleep(windowSeconds * 1000L);
            double seconds = (System.nanoTime() - w0) / 1e9;
            double probes = probes(cluster) - probes0;
            double failed = failed(cluster) - failed0;
            double meanMs = probes == 0 ? 0 : (durationSum(cluster) - timeSum0) * 1000 / probes;
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            double targetCpu = (target.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) - targetCpu0) / 1e9;
            long entries = cluster.server(leader).node().catalog().appliedIndex() - index0;
            double transitions = counter(cluster, "muster_check_transitions") - transitions0;
            double delayed = counter(cluster, "muster_checks_delayed") - delayed0;
            StringBuilder perMember = new StringBuilder();
            for (int m = 0; m < 3; m++) {
                perMember.append(cluster.id(m)).append('=').append(cluster.server(m).checks().assigned()).append(' ');
            }
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return String.format("load %.1f; %6d instances every %s: demand %7.0f/s, ran %7.0f probes/s over %.0f s; "
                            + "cluster JVM CPU %.1f s (%.2f cores), target CPU %.1f s; Raft entries %d, transitions %.0f, "
                            + "failed probes %.0f, mean probe %.1f ms, not passing at end %d, cap-delayed ticks %.0f; all passing %.1f s after "
                            + "registering; assigned %s",
                    load, instances, interval, instances / (iv.toMillis() / 1000.0), probes / seconds, seconds, cpu, cpu / seconds,
                    targetCpu, entries, transitions, failed, meanMs, instances - passing(cluster), delayed, rampSeconds, perMember.toString().trim());
        } finally {
            target.destroy();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process startTarget(int ports) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), BenchTarget.class.getName(), String.valueOf(ports))
                .redirectErrorStream(true).start();
    }

    private static Process startTarget() throws Exception {
        return startTarget(TARGET_PORTS);
    }

    private static List<Integer> targetPorts(Process target) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("ports ")) {
                return java.util.Arrays.stream(line.substring(6).trim().split(" ")).map(Integer::parseInt).toList();
            }
        }
        throw new IllegalStateException("target did not start");
    }

    private static void register(TestCluster cluster, int instances, List<Integer> ports, Duration interval) throws Exception {
        MusterServer s = cluster.server(cluster.awaitLeader(Duration.ofSeconds(10)));
        List<Command> batch = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            String url = "http://127.0.0.1:" + ports.get(i % ports.size()) + "/health?i=" + i;
            Check check = new Check.Http(url, interval, interval, null);
            batch.add(new Command.Register("bench-" + (i % 50), "i-" + i,
                    new InstanceSpec("127.0.0.1", 8080, List.of(), Map.of(), 1, check)));
            if (batch.size() == 500 || i == instances - 1) {
                s.node().submit(List.copyOf(batch)).get(30, TimeUnit.SECONDS);
                batch.clear();
            }
        }
    }

    private static long passing(TestCluster cluster) {
        return cluster.server(cluster.awaitLeader(Duration.ofSeconds(10))).node().catalog().services().stream()
                .map(ServiceEntry::instances).flatMap(m -> m.values().stream())
                .map(Instance::status).filter(st -> st == Status.PASSING).count();
    }

    private static double probes(TestCluster cluster) {
        return counter(cluster, "muster_checks");
    }

    private static double failed(TestCluster cluster) {
        double sum = 0;
        for (int m = 0; m < 3; m++) {
            for (Counter c : cluster.server(m).meters().find("muster_checks").counters()) {
                if (!"passing".equals(c.getId().getTag("result"))) {
                    sum += c.count();
                }
            }
        }
        return sum;
    }

    private static double durationSum(TestCluster cluster) {
        double sum = 0;
        for (int m = 0; m < 3; m++) {
            for (var t : cluster.server(m).meters().find("muster_check_duration").timers()) {
                sum += t.totalTime(TimeUnit.SECONDS);
            }
        }
        return sum;
    }

    private static double counter(TestCluster cluster, String name) {
        double sum = 0;
        for (int m = 0; m < 3; m++) {
            for (Counter c : cluster.server(m).meters().find(name).counters()) {
                sum += c.count();
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
