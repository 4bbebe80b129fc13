package io.muster.store.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What an operator sees of the Raft group and changes in it, in Muster's own records ({@link ClusterStatus},
 * {@link RaftSettings.Peer}), never Ratis's: the cluster API, metrics and check membership read it. The changes block
 * for up to seconds; call them off event loops. Over Ratis: {@link RaftClusterAdmin}.
 */
public interface ClusterAdmin {

    ClusterStatus status();

    /** The current voting members, as this member knows the configuration. */
    List<RaftSettings.Peer> peers();

    /** Changes the voting membership (a Raft configuration change through the leader). */
    void setMembers(List<RaftSettings.Peer> peers) throws IOException;

    void transferLeadership(String to, Duration timeout) throws IOException;

    /** On the leader: hands leadership to the most up-to-date follower; the member now leading, if any. */
    Optional<String> handOverLeadership(Duration timeout) throws IOException;

    /** Forces a snapshot on this member now; the index it holds. */
    long takeSnapshot() throws IOException;

    /** Certificates the Raft port refused since start; 0 without Raft TLS. */
    long tlsRefusals();

    /** Elections this member started early because the leader's process was gone (its Raft port refused). */
    long crashElections();
}
