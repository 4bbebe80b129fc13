package io.muster.server.limit;

/**
 * A token bucket on an injected monotonic clock: {@code rate} tokens a second up to {@code burst}; a request takes
 * one. Not thread-safe: callers hold its monitor.
 */
final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be above 0 and burst at least 1");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes a token: 0 when granted, else the nanoseconds until one will be there. */
    long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / ratePerNano);
    }

    /** Whether the bucket is full again (its client has been quiet), so forgetting it changes nothing. */
    boolean full(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            last = nowNanos;
        }
    }
}
