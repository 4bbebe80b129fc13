package io.muster.server.lease;

import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.CatalogView;
import io.muster.store.command.Command;
import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes instances critical for longer than their {@code deregisterAfter} (the instance's own, else the server's
 * default), whatever kind of check made them critical: TTL, HTTP or TCP. Critical time is counted on the leader's
 * monotonic clock from when it saw the instance turn critical; an instance already critical at a takeover counts
 * from its {@code statusSince}, placed on that clock as {@link LeaseTable} places renewals.
 *
 * <p>Not thread-safe: the lease manager's thread alone calls it.
 */
final class CriticalRemoval {
    private final Duration defaultAfter;
    /** Checked instances that are critical now: the only candidates for removal. */
    private final Map<String, Critical> critical = new HashMap<>();

    private record Critical(String service, String id, long registeredAt, long statusSince, long since) {
    }

    CriticalRemoval(Duration defaultAfter) {
        this.defaultAfter = defaultAfter;
    }

    void takeOver(CatalogView catalog, long now, long wallNow) {
        critical.clear();
        for (ServiceEntry e : catalog.services()) {
            for (Instance i : e.instances().values()) {
                if (isCritical(i)) {
                    critical.put(Catalog.key(e.name(), i.id()), new Critical(e.name(), i.id(), i.registeredAt(), i.statusSince(),
                            LeaseTable.local(i.statusSince(), now, wallNow)));
                }
            }
        }
    }

    /** Follows one instance's change: newly critical counts from now; no longer critical is forgotten. */
    void sync(String key, String service, String id, Instance i, long now) {
        if (!isCritical(i)) {
            critical.remove(key);
            return;
        }
        Critical c = critical.get(key);
        if (c == null || c.registeredAt() != i.registeredAt() || c.statusSince() != i.statusSince()) {
            critical.put(key, new Critical(service, id, i.registeredAt(), i.statusSince(), now));
        }
    }

    /** Removals due now, bound to {@code term}; {@code skip} holds keys with a proposal still in flight. */
    List<Command> due(CatalogView catalog, long now, long term, Set<String> skip, List<String> keys) {
        List<Command> commands = new ArrayList<>();
        critical.forEach((key, c) -> {
            Instance i = catalog.instance(c.service(), c.id()).orElse(null);
            if (!isCritical(i) || i.registeredAt() != c.registeredAt() || skip.contains(key)) {
                return;
            }
            Duration after = i.check().deregisterAfter() != null ? i.check().deregisterAfter() : defaultAfter;
            if (now - c.since() >= after.toMillis()) {
                commands.add(new Command.Deregister(c.service(), c.id(), c.registeredAt(), term));
                keys.add(key);
            }
        });
        return commands;
    }

    void clear() {
        critical.clear();
    }

    private static boolean isCritical(Instance i) {
        return i != null && i.status() == Status.CRITICAL && i.check() != null;
    }
}
