package io.muster.store.raft;

/** Told when leadership moves. Runs on Ratis threads: hand work off, never block. */
public interface LeadershipListener {

    /** A new leader is known; {@code leaderId} is null while there is none. */
    default void leaderChanged(String leaderId) {
    }

    /** This node is leader and has applied everything committed before its term: safe to act as leader. */
    default void becameReadyLeader() {
    }

    /**
     * As {@link #becameReadyLeader()}, with the term this node leads in: proposals bound to it commit only while
     * this leadership lasts (design rule 6a).
     */
    default void becameReadyLeader(long term) {
        becameReadyLeader();
    }
}
