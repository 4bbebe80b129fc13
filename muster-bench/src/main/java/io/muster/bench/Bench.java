package io.muster.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code muster bench register|heartbeat [--members ...]}: load against a running cluster, printing throughput,
 * latency percentiles, the Raft entries the load caused, and the generator's own CPU time.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) {
        // The generator ran inside the server jar before, under the member's pooled-allocator default; keep its
        // cost the same (Netty 4.2's adaptive allocator costs ~2x per packet here, docs/dns.md).
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "pooled");
        }
        if (args.length > 0 && args[0].equals("compare")) {
            // No MUSTER_TOKEN here: compare runs against clusters its script just started; a token is passed explicitly.
            Map<String, String> c = new HashMap<>(Map.of("instances", "10000", "services", "100", "in-flight", "32",
                    "warmup", "10000", "seconds", "15", "watchers", "20", "writes-per-second", "20", "ttl", "60s",
                    "workloads", "heartbeat,lookup-linearizable,lookup-stale,deregister,propagation,memory-100k,failover"));
            c.put("ca", "");
            c.put("token", "");
            for (int i = 1; i + 1 < args.length; i += 2) {
                c.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            Compare.main(c);
            System.exit(0);
        }
        if (args.length == 0 || !(args[0].equals("register") || args[0].equals("heartbeat"))) {
            System.err.println("""
                    usage: muster bench register  [--members URLS] [--instances 10000] [--services 100] [--in-flight 32]
                                                  [--warmup N (default: as many as --instances)]
                           muster bench heartbeat [--members URLS] [--instances 10000] [--services 100] [--in-flight 32]
                                                  [--seconds 20] [--ttl 60s]
                           muster bench compare --system muster|etcd --members URLS --pids P1,P2,P3 [--workloads ...]
                                                  (one side of bench/compare.sh, which starts the clusters)
                    URLS: comma-separated HTTP addresses (default http://127.0.0.1:8700,http://127.0.0.1:8710,http://127.0.0.1:8720)
                    --ca FILE: PEM CA to trust for https:// URLS (docs/tls.md)
                    --token SECRET: ACL token, sent as "Authorization: Bearer SECRET" on every request (docs/acl.md);
                                    register/heartbeat default to $MUSTER_TOKEN, compare (Muster only) to none""");
            System.exit(2);
        }
        Map<String, String> o = new HashMap<>(Map.of(
                "members", "http://127.0.0.1:8700,http://127.0.0.1:8710,http://127.0.0.1:8720",
                "instances", "10000", "services", "100", "in-flight", "32", "seconds", "20", "ttl", "60s"));
        o.put("warmup", "");
        o.put("ca", "");
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        // Like bin/muster's other verbs, the token defaults to MUSTER_TOKEN; said aloud, since a token the cluster
        // does not know makes every request fail with 401, even on a cluster without ACLs.
        if (!o.containsKey("token")) {
            String env = System.getenv("MUSTER_TOKEN");
            o.put("token", env == null ? "" : env);
            if (env != null && !env.isEmpty()) {
                System.out.println("token: from MUSTER_TOKEN");
            }
        }
        List<java.net.URI> members = LoadGenerator.parseMembers(o.get("members"));
        int instances = Integer.parseInt(o.get("instances"));
        int services = Integer.parseInt(o.get("services"));
        int inFlight = Integer.parseInt(o.get("in-flight"));
        try (LoadGenerator gen = new LoadGenerator(members, Math.max(1, inFlight / members.size() + 1), o.get("ca"), o.get("token"))) {
            if (args[0].equals("register")) {
                int warmup = o.get("warmup").isEmpty() ? instances : Integer.parseInt(o.get("warmup"));
                register(gen, instances, warmup, services, inFlight, null);
            } else {
                heartbeat(gen, instances, services, inFlight, Integer.parseInt(o.get("seconds")), o.get("ttl"));
            }
        }
        System.exit(0);
    }

    private static Buffer body(int i, String ttl) {
        String check = ttl == null ? "" : ",\"check\":{\"ttl\":\"" + ttl + "\"}";
        return Buffer.buffer("{\"address\":\"10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)
                + "\",\"port\":8080,\"tags\":[\"bench\"],\"metadata\":{\"version\":\"1.0.0\"}" + check + "}");
    }

    private static void register(LoadGenerator gen, int instances, int warmup, int services, int inFlight, String ttl) {
        // Warm-up, discarded: as many registrations of other ids as the run has, so that every member's JIT has
        // compiled the hot paths (a cold three-JVM cluster on two cores measures the compilers, not Muster).
        gen.run(warmup, inFlight, Long.MAX_VALUE, i -> new LoadGenerator.Call(i,
                HttpMethod.PUT, "/v1/services/warmup-" + (i % services) + "/instances/w" + i, body(i, ttl)));
        long entriesBefore = appliedIndex(gen);
        double cpuBefore = cpuSeconds();
        LoadGenerator.Outcome out = gen.run(instances, inFlight, Long.MAX_VALUE, i -> new LoadGenerator.Call(i,
                HttpMethod.PUT, "/v1/services/svc-" + (i % services) + "/instances/inst-" + i, body(i, ttl)));
        long entries = appliedIndex(gen) - entriesBefore;
        System.out.printf("register: %d instances over %d services, %d in flight, %d members%n", instances, services, inFlight, gen.memberCount());
        System.out.printf("  ok %d  failed %d  in %.2f s  => %.0f registrations/s%n", out.ok(), out.failed(), out.seconds(), out.perSecond());
        System.out.printf("  latency p50 %.1f ms  p99 %.1f ms  max %.1f ms%n", out.percentileMs(0.5), out.percentileMs(0.99), out.percentileMs(1.0));
        System.out.printf("  Raft log entries %d (%.1f registrations per entry)%n", entries, out.ok() / (double) Math.max(1, entries));
        System.out.printf("  load generator CPU %.1f s%n", cpuSeconds() - cpuBefore);
    }

    private static void heartbeat(LoadGenerator gen, int instances, int services, int inFlight, int seconds, String ttl) {
        System.out.printf("registering %d TTL instances (ttl %s) ...%n", instances, ttl);
        LoadGenerator.Outcome reg = gen.run(instances, inFlight, Long.MAX_VALUE, i -> new LoadGenerator.Call(i,
                HttpMethod.PUT, "/v1/services/hb-" + (i % services) + "/instances/hb-" + i, body(i, ttl)));
        System.out.printf("  registered %d (failed %d) at %.0f/s%n", reg.ok(), reg.failed(), reg.perSecond());
        int total = Integer.MAX_VALUE / 2;
        gen.run(total, inFlight, 3_000_000_000L, i -> beat(i, instances, services));
        long entriesBefore = appliedIndex(gen);
        double cpuBefore = cpuSeconds();
        LoadGenerator.Outcome out = gen.run(total, inFlight, seconds * 1_000_000_000L, i -> beat(i, instances, services));
        long entries = appliedIndex(gen) - entriesBefore;
        System.out.printf("heartbeat: %d TTL instances, %d in flight, %d members, %d s%n", instances, inFlight, gen.memberCount(), seconds);
        System.out.printf("  ok %d  failed %d  => %.0f heartbeats/s%n", out.ok(), out.failed(), out.perSecond());
        System.out.printf("  latency p50 %.1f ms  p99 %.1f ms%n", out.percentileMs(0.5), out.percentileMs(0.99));
        System.out.printf("  Raft log entries %d => %.2f entries/s (%.4f%% of the heartbeat rate)%n", entries,
                entries / out.seconds(), 100.0 * entries / Math.max(1, out.ok()));
        System.out.printf("  load generator CPU %.1f s%n", cpuSeconds() - cpuBefore);
    }

    private static LoadGenerator.Call beat(int i, int instances, int services) {
        int n = i % instances;
        return new LoadGenerator.Call(i, HttpMethod.PUT, "/v1/services/hb-" + (n % services) + "/instances/hb-" + n + "/heartbeat", null);
    }

    private static final Pattern APPLIED = Pattern.compile("(?m)^muster_raft_applied_index(?:\\{[^}]*\\})? ([0-9.eE+]+)$");

    /** The leader's applied index, read from /metrics of member 0 (all members converge on the same index). */
    private static long appliedIndex(LoadGenerator gen) {
        long best = 0;
        for (int m = 0; m < gen.memberCount(); m++) {
            try {
                Matcher x = APPLIED.matcher(gen.get(m, "/metrics"));
                if (x.find()) {
                    best = Math.max(best, (long) Double.parseDouble(x.group(1)));
                }
            } catch (RuntimeException e) {
                // a member that does not answer does not count
            }
        }
        return best;
    }

    private static double cpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }
}
