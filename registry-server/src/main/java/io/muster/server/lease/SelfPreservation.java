package io.muster.server.lease;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides whether lapsed leases may be expired, Eureka's lesson made configurable: when far more instances stop
 * renewing at once than is plausible, the registry or the network is more likely at fault than the services.
 * Not thread-safe: the lease scanner alone calls it.
 */
final class SelfPreservation {
    private final LeaseSettings settings;
    private final Deque<long[]> recentExpiries = new ArrayDeque<>();
    private int recentCount;
    private boolean active;

    SelfPreservation(LeaseSettings settings) {
        this.settings = settings;
    }

    /**
     * @param lapsed leases whose TTL has run out and that are not critical yet
     * @param overdue leases (lapsed included) that missed at least half their TTL: a mass stop shows here before
     *        the first lease lapses, so the first few lapses of a mass stop are held too instead of expired
     * @param total TTL instances the leader tracks
     * @return true when {@code lapsed} must be held rather than expired
     */
    boolean hold(long now, int lapsed, int overdue, int total, boolean enabled) {
        long windowStart = now - settings.selfPreservationWindow().toMillis();
        while (!recentExpiries.isEmpty() && recentExpiries.peekFirst()[0] < windowStart) {
            recentCount -= (int) recentExpiries.pollFirst()[1];
        }
        boolean tooMany = enabled
                && total >= settings.selfPreservationMinimum()
                && recentCount + Math.max(lapsed, overdue) > settings.selfPreservationShare() * total;
        active = tooMany && lapsed > 0;
        return active;
    }

    void expired(long now, int count) {
        if (count > 0) {
            recentExpiries.addLast(new long[] {now, count});
            recentCount += count;
        }
    }

    boolean active() {
        return active;
    }

    void reset() {
        recentExpiries.clear();
        recentCount = 0;
        active = false;
    }
}
