package io.muster.server.lease;

import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.CatalogView;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's leases, one per TTL instance, on its monotonic clock. Renewals come from any thread; everything
 * else from the lease manager's one thread.
 *
 * <p>The log knows renewals and takeovers only as times on the scale of entry times (the stamping leaders' wall
 * clocks). A new leader places them on its own monotonic clock once, at takeover, by their distance from its own
 * wall clock then, which is the scale of the entries it stamps itself; from then on only the monotonic clock
 * counts. A time that comes out in the future (a previous leader's clock ran ahead) counts as now.
 */
final class LeaseTable {
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();

    /**
     * Rebuilds the table at a takeover: each TTL instance from its last known renewal and, if it has not renewed
     * since an earlier takeover, that takeover's grace; otherwise its grace starts now.
     */
    void takeOver(CatalogView catalog, long now, long wallNow) {
        leases.clear();
        Map<String, Long> renewals = catalog.renewals();
        Map<String, Long> graceFrom = catalog.graceFrom();
        for (ServiceEntry e : catalog.services()) {
            for (Instance i : e.instances().values()) {
                if (i.check() instanceof Check.Ttl ttl) {
                    String key = Catalog.key(e.name(), i.id());
                    long renewed = local(renewals.getOrDefault(key, i.registeredAt()), now, wallNow);
                    Long since = graceFrom.get(key);
                    long grace = since == null ? now : local(since, now, wallNow);
                    leases.put(key, new Lease(e.name(), i.id(), i.registeredAt(), ttl.ttl().toMillis(), renewed, grace));
                }
            }
        }
    }

    /** Where an entry-scale time falls on the monotonic clock, given both clocks' readings now. */
    static long local(long entryTime, long now, long wallNow) {
        return now - Math.max(0, wallNow - entryTime);
    }

    /**
     * Brings one instance's lease in line with the catalog: a lease of another incarnation or TTL goes; an instance
     * this leader has not tracked yet (just registered, or brought back by a restore) gets one full TTL from now.
     */
    void sync(String key, String service, String id, Instance i, long now) {
        Lease l = leases.get(key);
        if (l != null && !matches(i, l)) {
            leases.remove(key);
        }
        if (i != null && i.check() instanceof Check.Ttl ttl) {
            leases.computeIfAbsent(key, k -> new Lease(service, id, i.registeredAt(), ttl.ttl().toMillis(), now, Lease.NO_GRACE));
        }
    }

    /** Drops leases whose instance is gone or changed (after a restore or snapshot load). */
    void dropStale(CatalogView catalog) {
        leases.values().removeIf(l -> !matches(catalog.instance(l.service, l.id).orElse(null), l));
    }

    /** Renews the instance's lease, creating it if this leader has none for that incarnation yet. */
    void renew(String key, String service, String id, Instance i, long ttlMs, long now) {
        Lease lease = leases.compute(key, (k, old) -> old != null && old.registeredAt == i.registeredAt() && old.ttlMs == ttlMs
                ? old : new Lease(service, id, i.registeredAt(), ttlMs, now, Lease.NO_GRACE));
        lease.renew(now);
    }

    /**
     * After this process was paused: every lease not already in a grace gets one from now, so heartbeats sent
     * while it could not listen reach it before anything expires. Returns how many were granted.
     */
    int regrant(long now) {
        int n = 0;
        for (Lease l : leases.values()) {
            if (l.graceFrom == Lease.NO_GRACE) {
                l.graceFrom = now;
                n++;
            }
        }
        return n;
    }

    /** Renewals since the last call, as milliseconds before {@code now}; clears the dirty marks. */
    Map<String, Long> takeAges(long now) {
        Map<String, Long> ages = new HashMap<>();
        leases.forEach((key, l) -> {
            if (l.dirty) {
                l.dirty = false;
                ages.put(key, Math.max(0, now - l.renewedAt));
            }
        });
        return ages;
    }

    Lease get(String key) {
        return leases.get(key);
    }

    Collection<Map.Entry<String, Lease>> entries() {
        return leases.entrySet();
    }

    int size() {
        return leases.size();
    }

    void clear() {
        leases.clear();
    }

    private static boolean matches(Instance i, Lease l) {
        return i != null && i.registeredAt() == l.registeredAt && i.check() instanceof Check.Ttl ttl && ttl.ttl().toMillis() == l.ttlMs;
    }
}
