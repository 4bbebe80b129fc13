package io.muster.faults.check;

import java.time.Duration;

/**
 * The timing the liveness rules allow. A dead instance must be critical within
 * {@code ttl + grace + checkpoint + commit} of its last renewal (issue 15, defect 1), not counting time during
 * which no majority could elect a leader (nobody can commit an expiry then).
 */
public record Bounds(Duration ttl, Duration grace, Duration checkpoint, Duration commit) {

    public long deadBoundNanos() {
        return ttl.plus(grace).plus(checkpoint).plus(commit).toNanos();
    }
}
