package io.muster.faults.net;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Partitions and link trouble inside the member namespaces: nftables drops packets by source address (members
 * only, so clients keep reaching every member), and tc netem adds delay, jitter and loss on a member's link.
 */
public final class NetworkFaults {

    private static final String TABLE = "mfault";

    private NetworkFaults() {
    }

    /** Member {@code at} stops receiving anything from the members {@code from} (a one-way cut). */
    public static void drop(int at, Collection<Integer> from) {
        String ns = Topology.memberNs(at);
        ensureTable(ns);
        for (int f : from) {
            Shell.must(Shell.in(ns, "nft", "add", "rule", "inet", TABLE, "input", "ip", "saddr",
                    Topology.memberAddress(f), "drop").toArray(String[]::new));
        }
    }

    /** Cuts both directions between every member of {@code a} and every member of {@code b}. */
    public static void partition(Collection<Integer> a, Collection<Integer> b) {
        for (int x : a) {
            drop(x, b);
        }
        for (int y : b) {
            drop(y, a);
        }
    }

    /**
     * Delay with jitter and a loss rate on member {@code i}'s link (what leaves it). Kernels without the netem
     * qdisc (some VM kernels) get the nearest thing they have: nftables dropping that share of what arrives, and a
     * token bucket throttling what leaves (queueing delay under load, not a fixed delay).
     *
     * @return what was applied, for the record
     */
    public static String netem(int i, int delayMs, int jitterMs, double lossPercent) {
        String ns = Topology.memberNs(i);
        String loss = String.format(Locale.ROOT, "%.1f%%", lossPercent);
        Shell.Result r = Shell.run(Shell.in(ns, "tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "delay",
                delayMs + "ms", jitterMs + "ms", "loss", loss));
        if (r.ok()) {
            return "netem delay " + delayMs + "ms jitter " + jitterMs + "ms loss " + loss;
        }
        if (!r.output().contains("unknown")) {
            throw new IllegalStateException("tc netem on " + ns + ": " + r.output());
        }
        ensureTable(ns);
        int perMille = (int) Math.round(lossPercent * 10);
        if (perMille > 0) {
            Shell.must(Shell.in(ns, "nft", "add", "rule", "inet", TABLE, "input", "numgen", "random", "mod", "1000",
                    "<", Integer.toString(perMille), "drop").toArray(String[]::new));
        }
        Shell.must(Shell.in(ns, "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", "4mbit", "burst",
                "32kbit", "latency", (delayMs + jitterMs) + "ms").toArray(String[]::new));
        return "no netem in this kernel: nft loss " + loss + " in, tbf 4mbit latency " + (delayMs + jitterMs)
                + "ms out";
    }

    /** Removes every rule and qdisc of ours from {@code members}. */
    public static void heal(int members) {
        for (int i = 0; i < members; i++) {
            String ns = Topology.memberNs(i);
            Shell.run(Shell.in(ns, "nft", "delete", "table", "inet", TABLE));
            Shell.run(Shell.in(ns, "tc", "qdisc", "del", "dev", "eth0", "root"));
        }
    }

    private static void ensureTable(String ns) {
        if (Shell.run(Shell.in(ns, "nft", "list", "table", "inet", TABLE)).ok()) {
            return;
        }
        Shell.must(Shell.in(ns, "nft", "add", "table", "inet", TABLE).toArray(String[]::new));
        Shell.must(Shell.in(ns, "nft", "add", "chain", "inet", TABLE, "input",
                "{ type filter hook input priority 0 ; policy accept ; }").toArray(String[]::new));
    }

    static List<Integer> all(int members) {
        return java.util.stream.IntStream.range(0, members).boxed().toList();
    }
}
