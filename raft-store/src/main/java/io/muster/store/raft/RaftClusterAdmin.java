package io.muster.store.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link ClusterAdmin} over a {@link RaftNode}: the node does the work; this turns its Ratis peers into
 * {@link RaftSettings.Peer}s, so no Ratis type reaches the callers.
 */
public final class RaftClusterAdmin implements ClusterAdmin {
    private final RaftNode node;

    public RaftClusterAdmin(RaftNode node) {
        this.node = node;
    }

    @Override
    public ClusterStatus status() {
        return node.status();
    }

    @Override
    public List<RaftSettings.Peer> peers() {
        return node.currentPeers().stream().map(p -> new RaftSettings.Peer(p.getId().toString(), p.getAddress())).toList();
    }

    @Override
    public void setMembers(List<RaftSettings.Peer> peers) throws IOException {
        node.setMembers(peers);
    }

    @Override
    public void transferLeadership(String to, Duration timeout) throws IOException {
        node.transferLeadership(to, timeout);
    }

    @Override
    public Optional<String> handOverLeadership(Duration timeout) throws IOException {
        return node.handOverLeadership(timeout);
    }

    @Override
    public long takeSnapshot() throws IOException {
        return node.takeSnapshot();
    }

    @Override
    public long tlsRefusals() {
        return node.tlsRefusals();
    }

    @Override
    public long crashElections() {
        return node.crashElections();
    }
}
