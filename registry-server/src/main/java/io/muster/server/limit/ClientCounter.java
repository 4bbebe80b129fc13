package io.muster.server.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts something each client holds (parked queries, connections) against a per-client and a total bound. A
 * client's entry goes when its count returns to zero, so the map is bounded by what is held. Thread-safe.
 */
public final class ClientCounter {
    /** Why an acquisition was refused. */
    public enum Refusal { NONE, PER_CLIENT, TOTAL }

    private final int perClient;
    private final int total;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();

    /** @param perClient 0: unlimited per client; @param total 0: unlimited in total */
    public ClientCounter(int perClient, int total) {
        this.perClient = perClient;
        this.total = total;
    }

    /** Takes one for {@code client} unless a bound is reached; a refusal takes nothing. */
    public Refusal tryAcquire(String client) {
        if (total > 0 && held.incrementAndGet() > total) {
            held.decrementAndGet();
            return Refusal.TOTAL;
        } else if (total <= 0) {
            held.incrementAndGet();
        }
        boolean[] over = new boolean[1];
        counts.compute(client, (c, n) -> {
            int now = n == null ? 0 : n;
            if (perClient > 0 && now >= perClient) {
                over[0] = true;
                return n;
            }
            return now + 1;
        });
        if (over[0]) {
            held.decrementAndGet();
            return Refusal.PER_CLIENT;
        }
        return Refusal.NONE;
    }

    /** Gives back one that {@link #tryAcquire} granted. */
    public void release(String client) {
        counts.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
        held.decrementAndGet();
    }

    public int held() {
        return held.get();
    }

    public int held(String client) {
        return counts.getOrDefault(client, 0);
    }

    public int clients() {
        return counts.size();
    }
}
