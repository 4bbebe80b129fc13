package io.muster.server.lease;

/**
 * The leader's memory of one TTL instance, on this member's monotonic clock: when it last renewed, and when its
 * one grace began if it has not renewed since a takeover or a pause. Renewals write {@code renewedAt} and clear
 * the grace; the scanner reads both. {@code registeredAt} ties the lease to one incarnation of the instance.
 */
final class Lease {
    static final long NO_GRACE = Long.MIN_VALUE;

    final String service;
    final String id;
    final long registeredAt;
    final long ttlMs;
    volatile long renewedAt;
    volatile long graceFrom;
    /** Renewed since the last checkpoint was proposed. */
    volatile boolean dirty;

    Lease(String service, String id, long registeredAt, long ttlMs, long renewedAt, long graceFrom) {
        this.service = service;
        this.id = id;
        this.registeredAt = registeredAt;
        this.ttlMs = ttlMs;
        this.renewedAt = renewedAt;
        this.graceFrom = graceFrom;
    }

    void renew(long now) {
        renewedAt = now;
        graceFrom = NO_GRACE;
        dirty = true;
    }

    /** The last moment the lease holds: a full TTL from its renewal, or the end of its grace if that is later. */
    long deadline(long graceMs) {
        long g = graceFrom;
        return Math.max(renewedAt + ttlMs, g == NO_GRACE ? Long.MIN_VALUE : g + graceMs);
    }
}
