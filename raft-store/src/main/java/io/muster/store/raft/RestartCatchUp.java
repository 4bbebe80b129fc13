package io.muster.store.raft;

/**
 * Whether a member restarted from disk has caught up with what it served before the restart, so that its stale
 * reads never go back (design rule 3). Before the crash it served state up to some applied index A; every entry up
 * to A was committed and is in its log, so A is at most the log's last index L at startup. After the restart its
 * state machine holds only its snapshot until a leader tells it what is committed, so its state is older than what
 * it already served.
 *
 * <p>It has caught up once it applied index L, or once it applied an entry of a term later than the last term T in
 * its log at start. The second covers a tail of the log that was never committed and that a new leader cuts off
 * (the member may then never reach L): a leader of a term after T holds every committed entry, A's included, and
 * appends its own entries after them, so an applied entry of such a term lies beyond A. A commit index learned from
 * a leader is no such proof: after a quorum loss the new leader has itself just restarted, and the commit index it
 * sends at first can be far below A (the fault suite's seed 1 saw a stale read answer index 0 after 127 that way).
 *
 * <p>Once caught up, it stays so until the process ends. Thread-safe.
 */
final class RestartCatchUp {
    private final long lastIndexAtStart;
    private final long lastTermAtStart;
    private volatile boolean caughtUp;

    /**
     * @param lastIndexAtStart the last index in the local log when the member started (0 for an empty or wiped one)
     * @param lastTermAtStart the term of that entry (0 for none)
     */
    RestartCatchUp(long lastIndexAtStart, long lastTermAtStart) {
        this.lastIndexAtStart = lastIndexAtStart;
        this.lastTermAtStart = lastTermAtStart;
    }

    /** Whether the member, whose last applied entry is {@code appliedIndex} of {@code appliedTerm}, has caught up. */
    boolean caughtUp(long appliedIndex, long appliedTerm) {
        if (caughtUp) {
            return true;
        }
        boolean now = appliedIndex >= lastIndexAtStart || appliedTerm > lastTermAtStart;
        if (now) {
            caughtUp = true;
        }
        return now;
    }

    long lastIndexAtStart() {
        return lastIndexAtStart;
    }
}
