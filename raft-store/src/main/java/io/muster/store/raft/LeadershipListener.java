package io.muster.store.raft;

/** Told when leadership moves. Runs on Ratis threads: hand work off, never block. */
public interface LeadershipListener {

    /** A new leader is known; {@code leaderId} is null while there is none. */
    default void leaderChanged(String leaderId) {
    }

    /** This node is leader and has applied everything committed before its term: safe to act as leader. */
    default void becameReadyLeader() {
    }
}
