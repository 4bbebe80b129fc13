package io.muster.faults.net;

import java.util.ArrayList;
import java.util.List;

/**
 * The suite's network: one namespace per member and one for the clients, each with a veth whose other end sits on
 * a bridge in a namespace of its own. Every address (10.77.0.0/24) lives inside these namespaces; the host's own
 * namespace gets nothing. Names carry the prefix {@value #PREFIX} so leftovers of a crashed run are found and
 * removed by name.
 */
public final class Topology {

    public static final String PREFIX = "mfault-";
    public static final String BRIDGE_NS = PREFIX + "br";
    public static final String CLIENT_NS = PREFIX + "cl";
    private static final String SUBNET = "10.77.0.";

    private final int members;

    public Topology(int members) {
        this.members = members;
    }

    public int members() {
        return members;
    }

    public static String memberId(int i) {
        return "n" + (i + 1);
    }

    public static String memberNs(int i) {
        return PREFIX + memberId(i);
    }

    public static String memberAddress(int i) {
        return SUBNET + (i + 1);
    }

    public static String clientAddress() {
        return SUBNET + "200";
    }

    /** Whether namespaces can be made here: root, iproute2, and a kernel that lets us. Empty when they can. */
    public static String unavailableReason() {
        Shell.Result id = Shell.run("id", "-u");
        if (!id.ok() || !id.output().equals("0")) {
            return "fault runs need root to make network namespaces (uid " + id.output() + ")";
        }
        for (String tool : List.of("ip", "nft", "tc")) {
            if (!Shell.run("sh", "-c", "command -v " + tool).ok()) {
                return "fault runs need '" + tool + "' (iproute2, nftables)";
            }
        }
        String probe = PREFIX + "probe";
        Shell.run("ip", "netns", "del", probe);
        Shell.Result made = Shell.run("ip", "netns", "add", probe);
        Shell.run("ip", "netns", "del", probe);
        return made.ok() ? "" : "cannot make a network namespace here: " + made.output();
    }

    /** Removes every namespace of ours, killing what still runs in it (a previous run's leftovers included). */
    public static void removeLeftovers() {
        String list = Shell.run("ip", "netns", "list").output();
        for (String line : list.split("\n")) {
            String name = line.split(" ")[0].trim();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            // Only processes inside our own namespaces: started by a run of this suite.
            String pids = Shell.run("ip", "netns", "pids", name).output();
            for (String pid : pids.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    Shell.run("kill", "-CONT", pid);
                    Shell.run("kill", "-KILL", pid);
                }
            }
            Shell.run("ip", "netns", "del", name);
        }
    }

    public void create() {
        removeLeftovers();
        Shell.must("ip", "netns", "add", BRIDGE_NS);
        Shell.must("ip", "-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge");
        Shell.must("ip", "-n", BRIDGE_NS, "link", "set", "br0", "up");
        List<String[]> hosts = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            hosts.add(new String[] {memberNs(i), memberAddress(i), "v" + (i + 1)});
        }
        hosts.add(new String[] {CLIENT_NS, clientAddress(), "vc"});
        for (String[] h : hosts) {
            String ns = h[0];
            Shell.must("ip", "netns", "add", ns);
            Shell.must("ip", "-n", BRIDGE_NS, "link", "add", h[2], "type", "veth", "peer", "name", "eth0", "netns", ns);
            Shell.must("ip", "-n", BRIDGE_NS, "link", "set", h[2], "master", "br0", "up");
            Shell.must("ip", "-n", ns, "addr", "add", h[1] + "/24", "dev", "eth0");
            Shell.must("ip", "-n", ns, "link", "set", "eth0", "up");
            Shell.must("ip", "-n", ns, "link", "set", "lo", "up");
        }
    }

    public void destroy() {
        removeLeftovers();
    }
}
