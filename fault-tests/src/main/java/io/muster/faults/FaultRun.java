package io.muster.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.muster.faults.check.Anomaly;
import io.muster.faults.check.Bounds;
import io.muster.faults.check.HistoryChecker;
import io.muster.faults.cluster.Member;
import io.muster.faults.cluster.ProcessCluster;
import io.muster.faults.history.History;
import io.muster.faults.history.Op;
import io.muster.faults.load.Workload;
import io.muster.faults.nemesis.Nemesis;
import io.muster.faults.net.NetworkFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One fault run, from inside the client namespace the suite made: start the members, put load on them, let the
 * nemesis loose, heal, read everything back, check the history and write {@code result.json} into the output
 * directory (with the history, so it can be checked again). Exit status 0 once a result was written, whatever the
 * anomalies; the caller decides.
 *
 * <pre>ip netns exec mfault-cl java -cp ... io.muster.faults.FaultRun --seed 1 --faults 30 --members 3 \
 *     --jar registry-server/target/muster-server.jar --out fault-tests/target/faults
 * java -cp ... io.muster.faults.FaultRun --recheck fault-tests/target/faults/seed-1-faults-30</pre>
 */
public final class FaultRun {

    /** The members' TTL timing; the checker's bounds follow from it and from the server's defaults. */
    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration GRACE = Duration.ofSeconds(3);
    static final Duration CHECKPOINT = Duration.ofSeconds(1);
    /** One commit of the last renewal, on a loaded 2-core machine with faults about. */
    static final Duration COMMIT = Duration.ofSeconds(2);
    static final int SERVICES = 3;

    private FaultRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (opts.containsKey("recheck")) {
            recheck(Path.of(opts.get("recheck")));
            return;
        }
        long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
        int faults = Integer.parseInt(opts.getOrDefault("faults", "30"));
        int members = Integer.parseInt(opts.getOrDefault("members", "3"));
        // A time budget for the faults (0: none): the run then heals and checks what it has.
        long minutes = Long.parseLong(opts.getOrDefault("minutes", "0"));
        Path jar = Path.of(opts.getOrDefault("jar", "registry-server/target/muster-server.jar")).toAbsolutePath();
        Path out = Path.of(opts.getOrDefault("out", "fault-tests/target/faults")).toAbsolutePath();
        Files.createDirectories(out);
        // A run starts from nothing: members that found an earlier run's data (same seed, same directory) served
        // its instances, which no client of this run registered.
        for (String stale : List.of("data", "logs", "history.jsonl", "faults.jsonl")) {
            deleteRecursively(out.resolve(stale));
        }

        Bounds bounds = new Bounds(TTL, GRACE, CHECKPOINT, COMMIT);
        List<String> flags = List.of("--lease-grace", GRACE.toSeconds() + "s",
                "--checkpoint-interval", CHECKPOINT.toSeconds() + "s",
                // Self-preservation would hold expiries the checker's bound counts on; instances are never removed
                // by the server, so presence is the clients' register alone; frequent snapshots make a wiped
                // member rejoin through InstallSnapshot.
                "--self-preservation", "false", "--deregister-after", "24h", "--snapshot-threshold", "200");
        History history = new History();
        long started = System.nanoTime();
        ProcessCluster cluster = new ProcessCluster(members, jar, out, flags);
        Nemesis nemesis = new Nemesis(cluster, history, seed, TTL);
        Workload load = new Workload(cluster, history, TTL, seed, SERVICES);
        String failure = null;
        try {
            cluster.startAll();
            if (!cluster.awaitHealthy(Duration.ofMinutes(3))) {
                throw new IllegalStateException("the cluster did not become ready; see " + out.resolve("logs"));
            }
            System.out.println("cluster ready; load starts");
            load.start(4, 3);
            Thread.sleep(3000);
            nemesis.run(faults, minutes > 0 ? System.nanoTime() + minutes * 60_000_000_000L
                    : System.nanoTime() + Long.MAX_VALUE / 2);
            NetworkFaults.heal(members);
            for (Member m : cluster.members()) {
                if (m.paused()) {
                    m.resume();
                }
                m.start();
            }
            if (!cluster.awaitHealthy(Duration.ofMinutes(3))) {
                failure = "the cluster was not whole again after the last fault";
            }
            // Let abandoned instances run past the bound while readers watch.
            Thread.sleep(bounds.deadBoundNanos() / 1_000_000 + 2000);
            load.stop();
            load.finalReads();
        } catch (RuntimeException e) {
            failure = e.toString();
            e.printStackTrace();
        } finally {
            load.stop();
            cluster.close();
        }
        history.write(out);
        List<Op> ops = history.ops();
        List<Anomaly> anomalies = new HistoryChecker(bounds).check(ops, history.faults());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("seed", seed);
        result.put("members", members);
        result.put("faultsRequested", faults);
        result.put("minutesBudget", minutes);
        result.put("faultsApplied", history.faults().size());
        result.put("faultsByKind", new TreeMap<>(nemesis.counts()));
        result.put("faultsNotRecovered", nemesis.unrecovered());
        result.put("operations", byTypeAndOutcome(ops));
        Map<String, Integer> byRule = new TreeMap<>();
        anomalies.forEach(a -> byRule.merge(a.rule().name(), 1, Integer::sum));
        result.put("anomaliesByRule", byRule);
        List<String> listed = new ArrayList<>();
        anomalies.stream().limit(200).forEach(a -> listed.add(a.toString()));
        result.put("anomalies", listed);
        result.put("elapsedSeconds", (System.nanoTime() - started) / 1_000_000_000L);
        result.put("bounds", Map.of("ttl", TTL.toString(), "grace", GRACE.toString(), "checkpoint",
                CHECKPOINT.toString(), "commit", COMMIT.toString()));
        result.put("failure", failure);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("result.json").toFile(),
                result);
        System.out.println("result: " + out.resolve("result.json") + " anomalies " + byRule);
        System.exit(0);
    }

    private static void deleteRecursively(Path path) throws java.io.IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Checks a recorded run again (its history.jsonl and faults.jsonl), e.g. after a change to the checker. */
    private static void recheck(Path dir) throws java.io.IOException {
        List<Anomaly> anomalies = new HistoryChecker(new Bounds(TTL, GRACE, CHECKPOINT, COMMIT)).check(
                History.readOps(dir.resolve("history.jsonl")), History.readFaults(dir.resolve("faults.jsonl")));
        anomalies.forEach(System.out::println);
        System.out.println(anomalies.size() + " anomalies");
    }

    private static Map<String, Map<String, Integer>> byTypeAndOutcome(List<Op> ops) {
        Map<String, Map<String, Integer>> table = new TreeMap<>();
        for (Op op : ops) {
            String type = op.type().equals(Op.READ) ? "read-" + op.consistency() : op.type();
            table.computeIfAbsent(type, t -> new TreeMap<>()).merge(op.outcome().name(), 1, Integer::sum);
        }
        return table;
    }
}
