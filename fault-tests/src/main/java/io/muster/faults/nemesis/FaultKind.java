package io.muster.faults.nemesis;

/** The faults the nemesis draws from, each with what it does to whom. */
public enum FaultKind {
    /** kill -9 of the leader, restarted from its disk after a while. */
    KILL_LEADER,
    /** kill -9 of a follower, restarted from its disk. */
    KILL_FOLLOWER,
    /** SIGSTOP of the leader for longer than the election timeout, then SIGCONT. */
    PAUSE_LEADER,
    /** SIGSTOP of the leader for longer than the TTL: on waking it must not expire the living. */
    PAUSE_LEADER_PAST_TTL,
    /** SIGSTOP of a follower for longer than the TTL. */
    PAUSE_FOLLOWER_PAST_TTL,
    /** SIGTERM of the leader (graceful hand-over), restarted from disk. */
    TERM_LEADER,
    /** SIGTERM of a follower, restarted from disk. */
    TERM_FOLLOWER,
    /** kill -9 of a follower, its data removed: it rejoins through InstallSnapshot. */
    WIPE_FOLLOWER,
    /** kill -9 of a majority of followers: no quorum until they return. */
    QUORUM_LOSS,
    /** One follower cut off from the other members, both ways (clients still reach it). */
    PARTITION_FOLLOWER,
    /** One member stops hearing another: a one-way cut. */
    PARTITION_ONE_WAY,
    /** The leader, with a minority, cut off from the majority. */
    PARTITION_LEADER_MINORITY,
    /** Delay, jitter and loss on the links of one or all members (tc netem). */
    NETEM
}
