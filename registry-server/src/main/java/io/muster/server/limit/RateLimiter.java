package io.muster.server.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code --rate-limit}: one token bucket per client address. Buckets that have filled up again are forgotten on
 * a sweep, so the map holds only clients active within the last burst/rate seconds. Thread-safe.
 */
public final class RateLimiter {
    private final double rate;
    private final int burst;
    private final LongSupplier nanos;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** @param rate requests per second per client; 0 turns limiting off */
    public RateLimiter(double rate, int burst, LongSupplier nanos) {
        this.rate = rate;
        this.burst = burst;
        this.nanos = nanos;
    }

    public boolean enabled() {
        return rate > 0;
    }

    /** 0 when the client may go on, else whole seconds it should wait (at least 1: Retry-After's unit). */
    public long retryAfterSeconds(String client) {
        if (!enabled()) {
            return 0;
        }
        long now = nanos.getAsLong();
        TokenBucket b = buckets.computeIfAbsent(client, c -> new TokenBucket(rate, burst, now));
        long wait;
        synchronized (b) {
            wait = b.tryTake(now);
        }
        return wait == 0 ? 0 : Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
    }

    /** Forgets clients whose buckets are full again. */
    public void sweep() {
        long now = nanos.getAsLong();
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().full(now);
            }
        });
    }

    /** Clients remembered now. */
    public int clients() {
        return buckets.size();
    }
}
