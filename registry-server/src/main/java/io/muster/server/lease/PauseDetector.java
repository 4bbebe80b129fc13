package io.muster.server.lease;

/**
 * Tells a pause of this process (a long GC, SIGSTOP, a starved host) from the monotonic clock: scans run every
 * scan interval, so a gap between two of them far longer than that means the leader was not listening. Heartbeats
 * sent meanwhile wait in its sockets, and another member may have been elected; a lease table that was not being
 * renewed must not expire anyone on waking (design rule 6a).
 *
 * <p>Not thread-safe: the lease manager's thread alone calls it.
 */
final class PauseDetector {
    private final long thresholdMs;
    private long last = Long.MIN_VALUE;

    PauseDetector(long thresholdMs) {
        this.thresholdMs = thresholdMs;
    }

    /** Records a scan at {@code now}; returns the gap since the previous one if it was a pause, else 0. */
    long scanned(long now) {
        long gap = last == Long.MIN_VALUE ? 0 : now - last;
        last = now;
        return gap > thresholdMs ? gap : 0;
    }

    void reset() {
        last = Long.MIN_VALUE;
    }
}
