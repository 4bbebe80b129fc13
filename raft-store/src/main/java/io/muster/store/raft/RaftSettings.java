package io.muster.store.raft;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How one node runs its Raft server.
 *
 * @param electionTimeout the lower bound of Ratis's randomized election timeout; the upper bound is twice it.
 *        500 ms elects a new leader in about 1.2 s on loopback; Ratis's default of 150 ms made leaders on this
 *        2-core class of machine step down under load (see docs/architecture.md).
 * @param snapshotThreshold log entries between automatic snapshots
 * @param segmentSizeBytes size of a Raft log segment; only closed segments are purged after a snapshot
 * @param tls mutual TLS on the Raft port, or empty for plaintext
 */
public record RaftSettings(
        String id,
        String raftAddress,
        List<Peer> peers,
        Path dataDir,
        Duration electionTimeout,
        long snapshotThreshold,
        long segmentSizeBytes,
        Clock clock,
        java.util.Optional<RaftTls> tls) {

    /** A member of the initial configuration. */
    public record Peer(String id, String raftAddress) {
    }

    public RaftSettings {
        peers = List.copyOf(peers);
        java.util.Objects.requireNonNull(tls, "tls");
    }

    /** Without TLS on the Raft port. */
    public RaftSettings(String id, String raftAddress, List<Peer> peers, Path dataDir, Duration electionTimeout,
            long snapshotThreshold, long segmentSizeBytes, Clock clock) {
        this(id, raftAddress, peers, dataDir, electionTimeout, snapshotThreshold, segmentSizeBytes, clock, java.util.Optional.empty());
    }

    /** Parses {@code n1@127.0.0.1:8701,n2@127.0.0.1:8711}. */
    public static List<Peer> parsePeers(String spec) {
        if (spec == null || spec.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(spec.split(","))
                .map(String::trim)
                .map(p -> {
                    int at = p.indexOf('@');
                    if (at <= 0 || at == p.length() - 1) {
                        throw new IllegalArgumentException("peer must look like id@host:port, got: " + p);
                    }
                    return new Peer(p.substring(0, at), p.substring(at + 1));
                })
                .toList();
    }

    /** A Raft address, {@code host:port} or {@code [v6]:port}, as an unresolved socket address. */
    static java.net.InetSocketAddress hostAndPort(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not host:port: " + address);
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        return java.net.InetSocketAddress.createUnresolved(host, Integer.parseInt(address.substring(colon + 1)));
    }
}
