package io.muster.server;

import io.muster.server.acl.AclSettings;
import io.muster.server.check.CheckSettings;
import io.muster.server.lease.LeaseSettings;
import io.muster.server.limit.LimitSettings;
import io.muster.store.raft.RaftSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every server setting: a {@code --flag} or the matching {@code MUSTER_FLAG} environment variable (flags win),
 * with the default below. {@link #OPTIONS} is the single source for parsing, {@code --help} and the docs.
 */
public record ServerConfig(
        String id,
        Path dataDir,
        HostPort http,
        String advertiseHttp,
        HostPort raft,
        HostPort dns,
        List<RaftSettings.Peer> peers,
        Duration electionTimeout,
        long snapshotThreshold,
        long segmentSizeBytes,
        int writeBatch,
        int writeInFlight,
        LeaseSettings leases,
        Duration dnsTtl,
        String dnsDomain,
        Duration shutdownTimeout,
        CheckSettings checks,
        LimitSettings limits,
        java.util.Optional<io.muster.server.tls.HttpTls> httpTls,
        java.util.Optional<io.muster.store.raft.RaftTls> raftTls,

        AclSettings acl) {

    /** host:port; an IPv6 host is written in brackets. */
    public record HostPort(String host, int port) {
        static HostPort parse(String name, String s) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(name + " must be host:port, got " + s);
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " has a bad port: " + s);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " has a bad port: " + s);
            }
            return new HostPort(host, port);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Flag name, default value, description. */
    public static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

    static {
        option("id", "n1", "this member's id; stable across restarts");
        option("data-dir", "data/n1", "where the Raft log and snapshots live");
        option("http", "127.0.0.1:8700", "HTTP API listen address");
        option("advertise-http", "", "HTTP address other members and clients should use (default: --http)");
        option("raft", "127.0.0.1:8701", "Raft (gRPC) listen address; must match this member's entry in --peers");
        option("dns", "127.0.0.1:8753", "DNS listen address, UDP and TCP; port 0 disables DNS");
        option("peers", "", "initial members, id@host:port,...; empty means a single-member cluster of this node");
        option("election-timeout", "500ms", "lower bound of the randomized Raft election timeout (upper bound is twice it)");
        option("snapshot-threshold", "20000", "log entries between automatic snapshots");
        option("raft-segment-size", "8388608", "bytes per Raft log segment; closed segments are purged once snapshotted");
        option("write-batch", "512", "most commands carried by one Raft entry");
        option("write-in-flight", "2", "most write entries a node has in flight at once; more writes wait and batch");
        option("lease-scan-interval", "200ms", "how often the leader looks for lapsed TTLs (bounds expiry lateness)");
        option("checkpoint-interval", "1s", "how often the leader writes renewals to the log");
        option("lease-grace", "3s", "how long a new leader waits before expiring anything");
        option("deregister-after", "5m", "default removal delay for instances critical that long");
        option("self-preservation", "true", "hold expiries when too many TTLs lapse at once");
        option("self-preservation-share", "0.3", "share of TTL instances lapsing within one window that trips self-preservation");
        option("self-preservation-min", "10", "self-preservation applies only with at least this many TTL instances");
        option("self-preservation-window", "10s", "window over which lapses are counted");
        option("dns-ttl", "0s", "TTL of DNS answers");
        option("dns-domain", "muster.", "DNS domain served");
        option("shutdown-timeout", "10s", "how long a graceful shutdown waits for in-flight requests");
        option("check-failure-threshold", "3", "consecutive failing HTTP/TCP check results before an instance turns critical (or warning)");
        option("check-success-threshold", "2", "consecutive passing check results before a failing instance passes again (a new one passes on its first)");
        option("check-concurrency", "256", "most HTTP/TCP probes in flight at once on one member");
        option("check-member-timeout", "3s", "a member the leader has not heard from this long hands its checks to the others");
        option("check-batch-interval", "200ms", "how long check transitions are collected into one log entry");
        option("tls-cert", "", "PEM certificate (chain) of the HTTP API; with --tls-key the API serves HTTPS only (docs/tls.md)");
        option("tls-key", "", "PEM private key (unencrypted PKCS#8) of --tls-cert");
        option("tls-client-ca", "", "PEM CA: HTTPS clients must present a certificate signed by it");
        option("raft-tls-cert", "", "PEM certificate of this member on the Raft port; with --raft-tls-key and --raft-tls-ca, mutual TLS between members");
        option("raft-tls-key", "", "PEM private key (unencrypted PKCS#8) of --raft-tls-cert");
        option("raft-tls-ca", "", "PEM CA of the cluster: only members and clients with a certificate from it may talk Raft");
        option("check-allow", "", "CIDR ranges HTTP/TCP checks may reach although loopback, link-local or metadata, e.g. 127.0.0.0/8 (members' ports stay refused)");
        option("max-services", "10000", "most services with instances, cluster-wide; a write past it answers 429 quota_exceeded (0: unlimited)");
        option("max-instances", "100000", "most instances, cluster-wide (0: unlimited)");
        option("max-instances-per-service", "10000", "most instances of one service (0: unlimited)");
        option("rate-limit", "0", "requests per second per client address, token bucket; over it 429 rate_limited (0: off)");
        option("rate-limit-burst", "0", "requests a client may send at once above --rate-limit (0: the rate, at least 1)");
        option("max-blocking-queries-per-client", "0", "parked blocking queries per client address (0: unlimited)");
        option("max-blocking-queries", "100000", "parked blocking queries on this member");
        option("max-connections", "10000", "open HTTP connections on this member");
        option("max-connections-per-client", "0", "open HTTP connections per client address (0: unlimited)");
        option("http-idle-timeout", "5m", "an HTTP connection with no request in progress for this long is closed");
        option("max-restore-size", "268435456", "most bytes a snapshot restore may inflate to; a larger one is refused with 413");
        option("acl-default-policy", "allow", "what a request without a token, or a token no rule covers, may do: allow or deny (deny recommended, docs/acl.md)");
        option("acl-bootstrap-token", "", "secret of a management token the leader creates if the cluster was never bootstrapped; ignored afterwards");
    }

    private static void option(String name, String dflt, String description) {
        OPTIONS.put(name, new String[] {dflt, description});
    }

    public static String envName(String flag) {
        return "MUSTER_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Parses flags over the environment over defaults. @throws IllegalArgumentException naming the bad setting */
    public static ServerConfig parse(List<String> args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        OPTIONS.forEach((name, spec) -> values.put(name, env.getOrDefault(envName(name), spec[0])));
        boolean idGiven = env.containsKey(envName("id"));
        boolean dataDirGiven = env.containsKey(envName("data-dir"));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!OPTIONS.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            idGiven |= name.equals("id");
            dataDirGiven |= name.equals("data-dir");
            values.put(name, value);
        }
        if (idGiven && !dataDirGiven) {
            values.put("data-dir", "data/" + values.get("id"));
        }
        ConfigValues v = new ConfigValues(values);
        HostPort raft = HostPort.parse("--raft", values.get("raft"));
        List<RaftSettings.Peer> peers = RaftSettings.parsePeers(values.get("peers"));
        String id = values.get("id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("--id must not be empty");
        }
        if (peers.isEmpty()) {
            peers = List.of(new RaftSettings.Peer(id, raft.toString()));
        } else if (peers.stream().noneMatch(p -> p.id().equals(id))) {
            throw new IllegalArgumentException("--peers must include this member's id " + id);
        }
        LeaseSettings leases = new LeaseSettings(
                v.duration("lease-scan-interval", Duration.ofMillis(10), Duration.ofSeconds(10)),
                v.duration("checkpoint-interval", Duration.ofMillis(10), Duration.ofMinutes(1)),
                v.duration("lease-grace", Duration.ZERO, Duration.ofMinutes(10)),
                v.duration("deregister-after", Duration.ofSeconds(1), Duration.ofDays(30)),
                v.real("self-preservation-share", 0, true, 1),
                v.integer("self-preservation-min", 0, 100_000_000),
                v.duration("self-preservation-window", Duration.ofMillis(100), Duration.ofHours(24)),
                v.bool("self-preservation"));
        String domain = values.get("dns-domain");
        if (domain.isBlank()) {
            throw new IllegalArgumentException("--dns-domain must not be empty");
        }
        int rate = v.integer("rate-limit", 0, 1_000_000);
        int burst = v.integer("rate-limit-burst", 0, 10_000_000);
        LimitSettings limits = new LimitSettings(
                v.cidrs("check-allow"),
                v.integer("max-services", 0, 100_000_000),
                v.integer("max-instances", 0, 100_000_000),
                v.integer("max-instances-per-service", 0, 100_000_000),
                rate,
                burst == 0 ? Math.max(1, rate) : burst,
                v.integer("max-blocking-queries-per-client", 0, 10_000_000),
                v.integer("max-blocking-queries", 1, 10_000_000),
                v.integer("max-connections", 1, 10_000_000),
                v.integer("max-connections-per-client", 0, 10_000_000),
                v.duration("http-idle-timeout", Duration.ofSeconds(1), Duration.ofHours(24)),
                v.whole("max-restore-size", 1L << 16, io.muster.store.catalog.SnapshotFormat.MAX_INFLATED_BYTES));
        return new ServerConfig(
                id,
                Path.of(values.get("data-dir")),
                HostPort.parse("--http", values.get("http")),
                values.get("advertise-http").isEmpty() ? values.get("http") : values.get("advertise-http"),
                raft,
                HostPort.parse("--dns", values.get("dns")),
                peers,
                v.duration("election-timeout", Duration.ofMillis(50), Duration.ofMinutes(1)),
                v.whole("snapshot-threshold", 1, 1_000_000_000),
                v.whole("raft-segment-size", 4096, 1L << 30),
                v.integer("write-batch", 1, 65_536),
                v.integer("write-in-flight", 1, 1024),
                leases,
                v.duration("dns-ttl", Duration.ZERO, Duration.ofDays(1)),
                domain.endsWith(".") ? domain : domain + ".",
                v.duration("shutdown-timeout", Duration.ZERO, Duration.ofMinutes(10)),
                new CheckSettings(
                        v.integer("check-failure-threshold", 1, 100),
                        v.integer("check-success-threshold", 1, 100),
                        v.integer("check-concurrency", 1, 65_536),
                        v.duration("check-member-timeout", Duration.ofMillis(500), Duration.ofMinutes(10)),
                        v.duration("check-batch-interval", Duration.ofMillis(10), Duration.ofSeconds(10))),
                limits,
                io.muster.server.tls.HttpTls.fromFlags(values.get("tls-cert"), values.get("tls-key"), values.get("tls-client-ca")),
                io.muster.store.raft.RaftTls.fromFlags(values.get("raft-tls-cert"), values.get("raft-tls-key"), values.get("raft-tls-ca")),
                AclSettings.parse(values.get("acl-default-policy"), values.get("acl-bootstrap-token")));
    }

    public RaftSettings raftSettings(java.time.Clock clock) {
        return new RaftSettings(id, raft.toString(), peers, dataDir, electionTimeout, snapshotThreshold, segmentSizeBytes, clock, raftTls);
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder("usage: muster server [--option value ...]\n\noptions (or MUSTER_* environment variables):\n");
        OPTIONS.forEach((name, spec) -> sb.append(String.format("  --%-26s %-24s %s (default %s)%n", name, envName(name), spec[1],
                spec[0].isEmpty() ? "none" : spec[0])));
        return sb.toString();
    }
}
