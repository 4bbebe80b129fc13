package io.muster.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the delay before retry {@code n} (0-based) is uniform in
 * {@code [0, min(maxDelay, baseDelay * 2^n)]}. Full jitter spreads clients that failed together, so a registry
 * coming back is not hit by all of them at the same instant.
 *
 * <p>{@code maxAttempts} bounds a single call made on the caller's behalf (register, deregister): the client
 * first tries each member once without waiting, then backs off between further attempts. Background loops
 * (heartbeats, views) retry for as long as they run, their delay capped at {@code maxDelay}.
 *
 * @param baseDelay the first retry's upper bound, positive
 * @param maxDelay the cap on any delay, at least {@code baseDelay}
 * @param maxAttempts attempts per call, at least 1
 */
public record RetryPolicy(Duration baseDelay, Duration maxDelay, int maxAttempts) {

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (baseDelay.toMillis() < 1) {
            throw new IllegalArgumentException("baseDelay must be at least 1ms, got " + baseDelay);
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is below baseDelay " + baseDelay);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /** 100ms base, 10s cap, 4 attempts per call. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), 4);
    }

    public static RetryPolicy exponentialBackoff(Duration baseDelay, Duration maxDelay, int maxAttempts) {
        return new RetryPolicy(baseDelay, maxDelay, maxAttempts);
    }

    /** The jittered delay before retry {@code retry} (0-based); never negative, never above {@code maxDelay}. */
    public Duration backoff(int retry, RandomGenerator random) {
        if (retry < 0) {
            throw new IllegalArgumentException("retry must not be negative, got " + retry);
        }
        long base = baseDelay.toMillis();
        long max = maxDelay.toMillis();
        // Shift only while it cannot overflow; past that the cap applies anyway.
        long ceiling = retry >= Long.numberOfLeadingZeros(base) - 1 ? max : Math.min(max, base << retry);
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
