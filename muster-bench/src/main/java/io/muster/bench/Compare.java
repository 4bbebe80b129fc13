package io.muster.bench;

import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code muster-bench compare --system muster|etcd --members URLS --pids P1,P2,P3}: the side-by-side workloads
 * of bench/compare.sh against one freshly started three-member cluster, in a fixed order (register, memory,
 * heartbeat, lookups, deregister, propagation, memory at 100,000 instances, failover last because it kills the
 * leader). Prints one {@code RESULT} line per figure with the CPU the members and this generator spent on it;
 * bench/compare.sh runs both systems alternately and puts the lines side by side.
 */
final class Compare {
    private final Registry registry;
    private final LoadGenerator gen;
    private final List<URI> members;
    private final long[] pids;
    private final Options o;
    /** Instances the workloads so far left registered (the warm-up's and the registration phase's). */
    private int held;

    /** {@code ca} and {@code token} (empty for none) are for Muster only: HTTPS members, ACL token (bench/security-cost.sh). */
    record Options(String system, int instances, int services, int inFlight, int warmup, int seconds,
                   int watchers, int writesPerSecond, String ttl, String ca, String token) {
        static Options from(Map<String, String> m) {
            return new Options(m.get("system"), Integer.parseInt(m.get("instances")), Integer.parseInt(m.get("services")),
                    Integer.parseInt(m.get("in-flight")), Integer.parseInt(m.get("warmup")), Integer.parseInt(m.get("seconds")),
                    Integer.parseInt(m.get("watchers")), Integer.parseInt(m.get("writes-per-second")), m.get("ttl"),
                    m.getOrDefault("ca", ""), m.getOrDefault("token", ""));
        }
    }

    private Compare(Options o, List<URI> members, long[] pids) {
        this.o = o;
        this.members = members;
        this.pids = pids;
        if (!o.system().equals("muster") && !(o.ca().isEmpty() && o.token().isEmpty())) {
            throw new IllegalArgumentException("--ca and --token are for --system muster only");
        }
        this.gen = new LoadGenerator(members, Math.max(1, o.inFlight() / members.size() + 1), o.ca(), o.token());
        long ttlSeconds = java.time.Duration.parse("PT" + o.ttl().toUpperCase()).toSeconds();
        this.registry = switch (o.system()) {
            case "muster" -> new MusterRegistry(gen, o.ttl());
            case "etcd" -> new EtcdRegistry(gen, ttlSeconds);
            case "zookeeper" -> new ZooKeeperRegistry(members, members.size(), o.inFlight());
            default -> throw new IllegalArgumentException("--system muster|etcd|zookeeper, not " + o.system());
        };
    }

    static void main(Map<String, String> args) {
        Options o = Options.from(args);
        List<URI> members = LoadGenerator.parseMembers(args.get("members"));
        String[] p = args.get("pids").split(",");
        long[] pids = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            pids[i] = Long.parseLong(p[i].trim());
        }
        new Compare(o, members, pids).runAll(List.of(args.get("workloads").split(",")));
    }

    private void runAll(List<String> workloads) {
        int m = members.size();
        int n = o.instances();
        int s = o.services();
        report("memory-empty", rssMiB(), "MiB/member", null, 0, 0);
        if (o.warmup() > 0) {
            // Discarded: the same operations on other instances, so that no JIT or cache warms up inside a figure.
            gen.runOps(o.warmup(), o.inFlight(), Long.MAX_VALUE, i -> registry.register(i % m, s + i % s, n + i));
            if (registry.renewsPerInstance()) {
                gen.runOps(o.warmup(), o.inFlight(), 3_000_000_000L, i -> registry.heartbeat(i % m, s + i % s, n + i % o.warmup()));
            }
            gen.runOps(o.warmup(), o.inFlight(), 3_000_000_000L, i -> registry.lookup(i % m, s + i % s, true));
        }
        held = Math.max(0, o.warmup());
        double rssBefore = rssMiB();
        timed("register", "/s", () -> gen.runOps(n, o.inFlight(), Long.MAX_VALUE, i -> registry.register(i % m, i % s, i)));
        double rssAfter = rssMiB();
        report("memory-per-instance", (rssAfter - rssBefore) * 1024 / n, "KiB/member", null, 0, 0);
        held += n;
        for (String w : workloads) {
            switch (w) {
                case "heartbeat" -> {
                    if (!registry.renewsPerInstance()) {
                        System.out.printf("RESULT %s heartbeat NaN /s note=liveness-is-the-session%n", o.system());
                        continue;
                    }
                    timed(w, "/s", () -> gen.runOps(Integer.MAX_VALUE / 2, o.inFlight(),
                        timeBox(), i -> registry.heartbeat(i % m, (i % n) % s, i % n)));
                }
                case "lookup-linearizable" -> timed(w, "/s", () -> gen.runOps(Integer.MAX_VALUE / 2, o.inFlight(),
                        timeBox(), i -> registry.lookup(i % m, i % s, true)));
                case "lookup-stale" -> timed(w, "/s", () -> gen.runOps(Integer.MAX_VALUE / 2, o.inFlight(),
                        timeBox(), i -> registry.lookup(i % m, i % s, false)));
                case "deregister" -> {
                    timed(w, "/s", () -> gen.runOps(n, o.inFlight(), Long.MAX_VALUE, i -> registry.deregister(i % m, i % s, i)));
                    held -= n;
                }
                case "propagation" -> propagation();
                case "memory-100k" -> memoryAt(100_000);
                case "failover" -> failover();
                default -> throw new IllegalArgumentException("unknown workload " + w);
            }
        }
        gen.close();
        if (registry instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // the run is over
            }
        }
    }

    /**
     * Resident memory once the cluster holds {@code total} instances (registering on other instance ids what the
     * workloads before did not leave), and what each instance added. At 10,000 instances a heap that starts small and
     * grows can take them in space the warm-up already made resident; at 100,000 the growth is the instances'.
     */
    private void memoryAt(int total) {
        int m = members.size();
        int s = o.services();
        int base = 3_000_000;
        int count = total - held;
        double before = rssMiB();
        LoadGenerator.Outcome out = gen.runOps(count, o.inFlight(), Long.MAX_VALUE, i -> registry.register(i % m, s + i % s, base + i));
        double after = rssMiB();
        held += (int) out.ok();
        String label = total % 1000 == 0 ? total / 1000 + "k" : String.valueOf(total);
        System.out.printf("RESULT %s memory-at-%s %.1f MiB/member held=%d registered=%d failed=%d%n", o.system(), label,
                after, held, out.ok(), out.failed());
        System.out.printf("RESULT %s memory-per-instance-%s %.2f KiB/member%n", o.system(), label,
                (after - before) * 1024 / Math.max(1, out.ok()));
    }

    private long timeBox() {
        return o.seconds() * 1_000_000_000L;
    }

    private void timed(String workload, String unit, java.util.function.Supplier<LoadGenerator.Outcome> run) {
        double[] cpu0 = cpu();
        LoadGenerator.Outcome out = run.get();
        double[] cpu1 = cpu();
        report(workload, out.perSecond(), unit, out, cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]);
    }

    /**
     * Watchers spread over the members watch one service; a writer changes it at a fixed rate through the members in
     * turn. Each (write, watcher) pair gives one delay: from the writer's acknowledgement to the watcher's seeing it
     * (zero when a watcher saw it before the writer's answer came back).
     */
    private void propagation() {
        String service = "propagation";
        int writes = o.writesPerSecond() * o.seconds();
        AtomicLongArray acked = new AtomicLongArray(writes + 1);
        ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
        List<Map<Long, Boolean>> seenBy = new ArrayList<>();
        try (LoadGenerator watchGen = new LoadGenerator(members, o.watchers(), o.ca(), o.token())) {
            Registry watching = switch (o.system()) {
                case "muster" -> new MusterRegistry(watchGen, o.ttl());
                case "etcd" -> new EtcdRegistry(watchGen, 60);
                default -> new ZooKeeperRegistry(members, o.watchers(), 1);
            };
            for (int w = 0; w < o.watchers(); w++) {
                Map<Long, Boolean> seen = new ConcurrentHashMap<>();
                seenBy.add(seen);
                watching.watch(w % members.size(), service, seq -> {
                    if (seq > 0 && seq <= writes && seen.putIfAbsent(seq, true) == null) {
                        long ack = acked.get((int) seq);
                        delays.add(ack == 0 ? 0 : Math.max(0, System.nanoTime() - ack));
                    }
                });
            }
            sleepMs(2000); // let every watcher park
            double[] cpu0 = cpu();
            long periodNanos = 1_000_000_000L / o.writesPerSecond();
            long start = System.nanoTime();
            AtomicLong failed = new AtomicLong();
            for (int seq = 1; seq <= writes; seq++) {
                long due = start + (seq - 1) * periodNanos;
                while (System.nanoTime() < due) {
                    sleepMs(1);
                }
                int sq = seq;
                boolean ok = registry.publish(seq % members.size(), service, seq % 5, seq)
                        .toCompletionStage().toCompletableFuture().join();
                if (ok) {
                    acked.compareAndSet(sq, 0, System.nanoTime());
                } else {
                    failed.incrementAndGet();
                }
            }
            sleepMs(3000); // the last changes reach the watchers
            double[] cpu1 = cpu();
            long[] d = delays.stream().mapToLong(Long::longValue).toArray();
            long expected = (long) (writes - failed.get()) * o.watchers();
            // A watcher may miss a write that a later one overwrote before it looked (both systems coalesce):
            // report how many pairs were seen.
            LoadGenerator.Outcome out = new LoadGenerator.Outcome(d.length, expected - d.length, 1, d);
            System.out.printf("RESULT %s propagation-p99 %.1f ms p50=%.1f p90=%.2f max=%.1f seen=%d/%d server_cpu=%.1f gen_cpu=%.1f%n",
                    o.system(), out.percentileMs(0.99), out.percentileMs(0.5), out.percentileMs(0.9), out.percentileMs(1.0),
                    d.length, expected, cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]);
            if (watching instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the run is over
                }
            }
        }
    }

    /**
     * Writes run steadily through every member; the leader is killed with SIGKILL; the figure is the time from the
     * leader's death to the first write invoked after it and acknowledged. Afterwards every acknowledged write must
     * be readable.
     */
    private void failover() {
        int leader = registry.leader();
        if (leader < 0) {
            System.out.printf("RESULT %s failover NaN s error=no-leader%n", o.system());
            return;
        }
        int base = 1_000_000;
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstAfter = new AtomicLong(Long.MAX_VALUE);
        ConcurrentLinkedQueue<Integer> acked = new ConcurrentLinkedQueue<>();
        int service = o.services() + o.services() + 1;
        Thread killer = new Thread(() -> {
            sleepMs(2000);
            // The clock starts once the leader is dead, not before the signal: a write invoked in between could still
            // reach the dying leader and be acknowledged, which once timed etcd's and ZooKeeper's failovers at 0.00 s.
            ProcessHandle.of(pids[leader]).ifPresent(p -> {
                p.destroyForcibly();
                // Polled here, not onExit(): for a process that is not our child the JDK polls every 300 ms and more,
                // which would put up to that much error on the clock.
                long giveUp = System.nanoTime() + 2_000_000_000L;
                while (p.isAlive() && System.nanoTime() < giveUp) {
                    LockSupport.parkNanos(200_000);
                }
            });
            killedAt.set(System.nanoTime());
        });
        killer.start();
        gen.runOps(Integer.MAX_VALUE / 2, 8, 12_000_000_000L, i -> {
            long invoked = System.nanoTime();
            Future<Boolean> f = registry.register(i % members.size(), service, base + i);
            return f.map(ok -> {
                if (ok) {
                    acked.add(base + i);
                    if (invoked > killedAt.get()) {
                        firstAfter.accumulateAndGet(System.nanoTime(), Math::min);
                    }
                }
                return ok;
            });
        });
        joinQuietly(killer);
        // Printed so that a figure can be checked: the member killed must be gone, and another must lead now.
        boolean gone = ProcessHandle.of(pids[leader]).map(p -> !p.isAlive()).orElse(true);
        int newLeader = registry.leader();
        int survivor = (leader + 1) % members.size();
        java.util.Set<Integer> present = registry.present(survivor, "svc-" + service);
        long lost = acked.stream().filter(id -> !present.contains(id)).count();
        double seconds = firstAfter.get() == Long.MAX_VALUE ? Double.NaN : (firstAfter.get() - killedAt.get()) / 1e9;
        System.out.printf("RESULT %s failover %.2f s acked=%d present=%d lost=%d killed=%d gone=%b leader_after=%d%n",
                o.system(), seconds, acked.size(), present.size(), lost, leader, gone, newLeader);
    }

    private void report(String workload, double value, String unit, LoadGenerator.Outcome out, double serverCpu, double genCpu) {
        StringBuilder line = new StringBuilder(String.format("RESULT %s %s %.1f %s", o.system(), workload, value, unit));
        if (out != null) {
            line.append(String.format(" p50=%.1f p99=%.1f ok=%d failed=%d seconds=%.1f server_cpu=%.1f gen_cpu=%.1f",
                    out.percentileMs(0.5), out.percentileMs(0.99), out.ok(), out.failed(), out.seconds(), serverCpu, genCpu));
        }
        System.out.println(line);
    }

    /** Resident memory of the members, mean per member, from /proc (VmRSS). */
    private double rssMiB() {
        double sum = 0;
        int alive = 0;
        for (long pid : pids) {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (l.startsWith("VmRSS:")) {
                        sum += Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                        alive++;
                    }
                }
            } catch (java.io.IOException e) {
                // a member that is gone has no memory to count
            }
        }
        return alive == 0 ? Double.NaN : sum / alive;
    }

    /** CPU seconds so far: the members' (user + system, from /proc) and this generator's. */
    private double[] cpu() {
        double ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.io.IOException | RuntimeException e) {
                // gone
            }
        }
        double self = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
        return new double[] {ticks / 100.0, self};
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
