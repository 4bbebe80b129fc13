package io.muster.render;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * When to render after changes: {@code min} after the latest change, but never later than {@code max} after the
 * first change not yet rendered, so a burst gives one pass (and one reload) and a steady trickle still gets one
 * at least every {@code max}. Pure arithmetic on the caller's monotonic nanoseconds; not thread-safe.
 */
final class QuietPeriod {
    private final long minNanos;
    private final long maxNanos;
    private OptionalLong firstPending = OptionalLong.empty();

    QuietPeriod(Duration min, Duration max) {
        if (min.isNegative() || min.compareTo(max) > 0) {
            throw new IllegalArgumentException("need 0 <= min <= max, got " + min + " and " + max);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** A change arrived at {@code now}; returns when the pass covering it is due. */
    long changed(long now) {
        if (firstPending.isEmpty()) {
            firstPending = OptionalLong.of(now);
        }
        return Math.min(now + minNanos, firstPending.getAsLong() + maxNanos);
    }

    /** The pass is starting: changes from now on wait for the next one. */
    void passStarted() {
        firstPending = OptionalLong.empty();
    }

    boolean pending() {
        return firstPending.isPresent();
    }
}
