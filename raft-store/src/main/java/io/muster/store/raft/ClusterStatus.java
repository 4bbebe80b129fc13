package io.muster.store.raft;

import java.util.List;
import java.util.Optional;

/** What this node knows about the cluster right now. */
public record ClusterStatus(
        String self,
        Optional<String> leader,
        long term,
        String role,
        long appliedIndex,
        long lastContactMs,
        List<MemberStatus> members) {

    /**
     * @param appliedIndex this node's applied index for itself; for others, the commit index Ratis last
     *        heard of (the leader knows it for every follower)
     * @param lastContactMs ms since the leader last heard from that member (leader's view); -1 if unknown
     */
    public record MemberStatus(String id, String raftAddress, String role, long lastContactMs, long appliedIndex) {
    }
}
