package io.muster.store.raft;

import java.util.Optional;

/**
 * Who leads, as this member sees it, and word when that changes. Features that act only on the leader (leases,
 * check membership, ACL bootstrap) or route to it need this and nothing else of Raft. Over Ratis: {@link RaftNode}.
 */
public interface Leadership {

    /** This member's id, the one {@link #leaderId()} names when this member leads. */
    String id();

    boolean isLeader();

    /** Leader and has applied all earlier terms' entries: may act for the cluster (expire leases, etc.). */
    boolean isReadyLeader();

    /** The term this member leads in, or 0 if it does not lead; proposals bound to it commit only in that term. */
    long leaderTerm();

    /**
     * The term this member leads in and is ready in, or 0. The term is read on both sides of the readiness check, so
     * equal readings mean ready in that very term and not in one that ended between the two calls.
     */
    default long readyTerm() {
        long before = leaderTerm();
        boolean ready = isReadyLeader();
        return ready && before > 0 && leaderTerm() == before ? before : 0;
    }

    Optional<String> leaderId();

    /** Promote ({@code becameReadyLeader}) and demote ({@code leaderChanged} to another) events; never block in them. */
    void addLeadershipListener(LeadershipListener listener);
}
