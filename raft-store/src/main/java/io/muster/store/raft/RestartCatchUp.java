package io.muster.store.raft;

/**
 * Whether a member restarted from disk has caught up with what it served before the restart, so that its stale
 * reads never go back (design rule 3). Before the crash it served state up to some applied index A; every entry up
 * to A was committed and is in its log, so A is at most the log's last index at startup. After the restart its
 * state machine holds only its snapshot until it learns the commit index from a leader (the commit index is not
 * kept on disk), so its own state is older than what it already served. It has caught up once it applied its whole
 * log as it found it, or, when the tail of that log was never committed (and a new leader cuts it off), once it
 * learned a commit index from a leader (a higher one than it started with, which covers A) and applied it.
 *
 * <p>Once caught up, it stays so until the process ends. Thread-safe.
 */
final class RestartCatchUp {
    private final long lastIndexAtStart;
    private final long commitAtStart;
    private volatile boolean caughtUp;

    /**
     * @param lastIndexAtStart the last index in the local log when the member started (0 for an empty or wiped one)
     * @param commitAtStart the commit index the member knew right after it started
     */
    RestartCatchUp(long lastIndexAtStart, long commitAtStart) {
        this.lastIndexAtStart = lastIndexAtStart;
        this.commitAtStart = commitAtStart;
    }

    /** Whether the member, having applied {@code applied} and knowing {@code commit} as committed, has caught up. */
    boolean caughtUp(long applied, long commit) {
        if (caughtUp) {
            return true;
        }
        boolean now = applied >= lastIndexAtStart || (commit > commitAtStart && applied >= commit);
        if (now) {
            caughtUp = true;
        }
        return now;
    }

    long lastIndexAtStart() {
        return lastIndexAtStart;
    }
}
