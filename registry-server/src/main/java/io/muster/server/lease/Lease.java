package io.muster.server.lease;

/**
 * The leader's memory of one TTL instance: when it last renewed. Renewals only write {@code lastRenewal};
 * the scanner reads it. {@code registeredAt} ties the lease to one incarnation of the instance.
 */
final class Lease {
    final String service;
    final String id;
    final long registeredAt;
    final long ttlMs;
    volatile long lastRenewal;
    /** Renewed since the last checkpoint was proposed. */
    volatile boolean dirty;

    Lease(String service, String id, long registeredAt, long ttlMs, long lastRenewal) {
        this.service = service;
        this.id = id;
        this.registeredAt = registeredAt;
        this.ttlMs = ttlMs;
        this.lastRenewal = lastRenewal;
    }

    long deadline() {
        return lastRenewal + ttlMs;
    }
}
