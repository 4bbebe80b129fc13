package io.muster.server.lease;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.CatalogChange;
import io.muster.store.command.Command;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import io.muster.store.raft.RaftNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TTL leases, held in the leader's memory as etcd holds its leases (design rule 5). A renewal touches one map
 * entry; only transitions reach the Raft log, in batches: lapsed to critical, back to the status a heartbeat
 * reports, removal after {@code deregisterAfter}, and a rate-limited checkpoint of renewals so that a new
 * leader starts from the last checkpoint plus a short grace (rule 6), never from a fresh TTL for everyone.
 *
 * <p>Every member runs one; only the ready leader's acts. Its scanner runs on one thread of its own.
 */
public final class LeaseManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseManager.class);
    public static final String SELF_PRESERVATION_OPTION = "self-preservation";
    private static final int MAX_COMMANDS_PER_ENTRY = 2000;

    private final RaftNode node;
    private final Catalog catalog;
    private final LeaseSettings settings;
    private final LongSupplier clock;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    /** Keys with a transition proposed and not yet applied: not proposed again meanwhile. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Catalog changes since the last scan, queued by the apply thread while this member leads. */
    private final java.util.Queue<CatalogChange> changes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Instances with a check that are critical now: the only candidates for removal after deregisterAfter. */
    private final Map<String, Ref> critical = new HashMap<>();
    private final SelfPreservation selfPreservation;
    private final ScheduledExecutorService scanner;
    private final Counter expirations;
    private final Counter transitions;
    private final Counter deregistrations;
    private final Counter renewals;
    private final Counter checkpoints;
    private volatile boolean leading;
    private volatile long takeoverAt;
    private long lastCheckpoint;
    private boolean loggedHold;

    public LeaseManager(RaftNode node, LeaseSettings settings, LongSupplier clock, MeterRegistry meters) {
        this.node = node;
        this.catalog = node.catalog();
        this.settings = settings;
        this.clock = clock;
        this.selfPreservation = new SelfPreservation(settings);
        this.scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "muster-leases-" + node.id());
            t.setDaemon(true);
            return t;
        });
        this.expirations = Counter.builder("muster_lease_expirations").description("TTL instances turned critical by a lapsed lease").register(meters);
        this.transitions = Counter.builder("muster_lease_transitions").description("status transitions proposed by the lease manager").register(meters);
        this.deregistrations = Counter.builder("muster_lease_deregistrations").description("instances removed after deregisterAfter").register(meters);
        this.renewals = Counter.builder("muster_heartbeats").description("heartbeats renewed on this leader").register(meters);
        this.checkpoints = Counter.builder("muster_lease_checkpoints").description("renewal checkpoint entries proposed").register(meters);
        Gauge.builder("muster_self_preservation_active", () -> selfPreservation.active() ? 1 : 0)
                .description("1 while expiry is held because too many leases lapsed at once").register(meters);
        Gauge.builder("muster_leases", leases::size).description("TTL leases held by this leader").register(meters);
        catalog.addListener(c -> {
            if (leading) {
                changes.add(c);
            }
        });
    }

    public void start() {
        long ms = settings.scanInterval().toMillis();
        scanner.scheduleWithFixedDelay(this::scanSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Whether self-preservation is on: the operator's replicated switch, else the configured default. */
    public boolean selfPreservationEnabled() {
        return catalog.option(SELF_PRESERVATION_OPTION).map(Boolean::parseBoolean).orElse(settings.selfPreservationEnabled());
    }

    public boolean selfPreservationActive() {
        return selfPreservation.active();
    }

    /**
     * Renews on this node, which must be the ready leader. Returns false when the instance is unknown or has no
     * TTL check, so the client registers again.
     */
    public boolean renew(String service, String id, Status status, String note) {
        if (!node.isReadyLeader()) {
            throw new NoLeaderException("not the leader", null);
        }
        Instance inst = catalog.instance(service, id).orElse(null);
        if (inst == null || !(inst.check() instanceof Check.Ttl ttl)) {
            return false;
        }
        long now = clock.getAsLong();
        String key = Catalog.key(service, id);
        Lease lease = leases.compute(key, (k, old) -> old != null && old.registeredAt == inst.registeredAt()
                ? old : new Lease(service, id, inst.registeredAt(), ttl.ttl().toMillis(), now));
        lease.lastRenewal = now;
        lease.dirty = true;
        renewals.increment();
        if (inst.status() != status && !inFlight.contains(key)) {
            // A status change is the one part of a heartbeat that goes to the log; propose it right away.
            String n = note.isEmpty() && inst.status() == Status.CRITICAL ? "heartbeat resumed" : note;
            scanner.execute(() -> propose(List.of(new Command.SetStatus(service, id, inst.registeredAt(), status, n)), List.of(key)));
        }
        return true;
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.error("Lease scan failed", e);
        }
    }

    private void scan() {
        long now = clock.getAsLong();
        if (!node.isReadyLeader()) {
            if (leading) {
                LOG.info("No longer leader: dropping {} leases", leases.size());
                leading = false;
                leases.clear();
                inFlight.clear();
                changes.clear();
                critical.clear();
                selfPreservation.reset();
            }
            return;
        }
        if (!leading) {
            takeover(now);
        }
        syncChanged(now);
        if (now - lastCheckpoint >= settings.checkpointInterval().toMillis()) {
            lastCheckpoint = now;
            checkpoint();
        }
        removeLongCritical(now);
        if (now < takeoverAt + settings.takeoverGrace().toMillis()) {
            return;
        }
        expireLapsed(now);
    }

    /**
     * Rebuilds leases from the catalog: each TTL instance's last checkpointed renewal, but at least the takeover
     * time minus its TTL plus the grace, so that a lease checkpointed long ago still gets the grace and no more.
     */
    private void takeover(long now) {
        leading = true;
        takeoverAt = now;
        lastCheckpoint = now;
        leases.clear();
        inFlight.clear();
        changes.clear();
        critical.clear();
        selfPreservation.reset();
        Map<String, Long> checkpointed = catalog.renewals();
        int n = 0;
        for (ServiceEntry e : catalog.services()) {
            for (Instance i : e.instances().values()) {
                if (i.check() instanceof Check.Ttl ttl) {
                    long last = checkpointed.getOrDefault(Catalog.key(e.name(), i.id()), i.registeredAt());
                    leases.put(Catalog.key(e.name(), i.id()), new Lease(e.name(), i.id(), i.registeredAt(), ttl.ttl().toMillis(), last));
                    n++;
                }
                trackCritical(e.name(), i.id(), i);
            }
        }
        LOG.info("Leader {} took over {} TTL leases from the last checkpoint; expiry resumes after a {} grace",
                node.id(), n, io.muster.store.model.GoDuration.format(settings.takeoverGrace()));
    }

    /** Brings leases and the critical set in line with what the catalog changed since the last scan. */
    private void syncChanged(long now) {
        CatalogChange change = CatalogChange.drain(changes);
        Map<String, Set<String>> touched = change.instances();
        if (change.everything()) {
            // A restore or snapshot load may have changed anything: look at every lease and every instance.
            leases.values().removeIf(l -> !matches(catalog.instance(l.service, l.id).orElse(null), l));
            critical.clear();
            touched = new HashMap<>();
            for (ServiceEntry e : catalog.services()) {
                touched.put(e.name(), e.instances().keySet());
            }
        }
        touched.forEach((service, ids) -> ids.forEach(id -> sync(service, id, now)));
    }

    private void sync(String service, String id, long now) {
        String key = Catalog.key(service, id);
        Instance i = catalog.instance(service, id).orElse(null);
        inFlight.remove(key);
        Lease l = leases.get(key);
        if (l != null && !matches(i, l)) {
            leases.remove(key);
        }
        if (i != null && i.check() instanceof Check.Ttl ttl) {
            // An instance this leader has not tracked yet (just registered, or brought back by a restore) gets
            // one full TTL from now.
            leases.computeIfAbsent(key, k -> new Lease(service, id, i.registeredAt(), ttl.ttl().toMillis(), now));
        }
        trackCritical(service, id, i);
    }

    private void trackCritical(String service, String id, Instance i) {
        String key = Catalog.key(service, id);
        if (i != null && i.status() == Status.CRITICAL && i.check() != null) {
            critical.put(key, new Ref(service, id));
        } else {
            critical.remove(key);
        }
    }

    private record Ref(String service, String id) {
    }

    private static boolean matches(Instance i, Lease l) {
        return i != null && i.registeredAt() == l.registeredAt && i.check() instanceof Check.Ttl ttl && ttl.ttl().toMillis() == l.ttlMs;
    }

    private void expireLapsed(long now) {
        List<Command> commands = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int overdue = 0;
        for (Map.Entry<String, Lease> en : leases.entrySet()) {
            Lease l = en.getValue();
            if (now - l.lastRenewal > l.ttlMs / 2) {
                overdue++;
            }
            if (l.deadline() >= now || inFlight.contains(en.getKey())) {
                continue;
            }
            Instance i = catalog.instance(l.service, l.id).orElse(null);
            if (i == null || i.status() == Status.CRITICAL || i.registeredAt() != l.registeredAt) {
                continue;
            }
            commands.add(new Command.SetStatus(l.service, l.id, l.registeredAt, Status.CRITICAL,
                    "TTL expired: no heartbeat for " + io.muster.store.model.GoDuration.format(Duration.ofMillis(now - l.lastRenewal))));
            keys.add(en.getKey());
        }
        if (selfPreservation.hold(now, commands.size(), overdue, leases.size(), selfPreservationEnabled())) {
            if (!loggedHold) {
                LOG.warn("Self-preservation ON: {} of {} TTL instances lapsed at once (limit {}% within {}); holding them as they are "
                        + "until heartbeats return or an operator switches self-preservation off",
                        commands.size(), leases.size(), Math.round(settings.selfPreservationShare() * 100),
                        io.muster.store.model.GoDuration.format(settings.selfPreservationWindow()));
                loggedHold = true;
            }
            return;
        }
        if (loggedHold) {
            // Leases held while renewals were implausibly scarce get one fresh TTL from now, so stragglers whose
            // heartbeats are just coming back do not flap; the truly dead expire one TTL later.
            LOG.warn("Self-preservation OFF: expiry resumes; {} lease(s) still lapsed get one TTL from now", commands.size());
            loggedHold = false;
            for (String key : keys) {
                Lease l = leases.get(key);
                if (l != null) {
                    l.lastRenewal = Math.max(l.lastRenewal, now);
                }
            }
            return;
        }
        if (commands.isEmpty()) {
            return;
        }
        selfPreservation.expired(now, commands.size());
        expirations.increment(commands.size());
        LOG.info("Expiring {} TTL instance(s): {}", commands.size(), keys.size() <= 5 ? keys : keys.subList(0, 5) + " ...");
        propose(commands, keys);
    }

    /** Removes instances critical for longer than their deregisterAfter (any kind of check). */
    private void removeLongCritical(long now) {
        List<Command> commands = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Ref> en : critical.entrySet()) {
            Ref ref = en.getValue();
            Instance i = catalog.instance(ref.service(), ref.id()).orElse(null);
            if (i == null || i.status() != Status.CRITICAL || i.check() == null) {
                continue;
            }
            Duration after = i.check().deregisterAfter() != null ? i.check().deregisterAfter() : settings.defaultDeregisterAfter();
            if (i.statusSince() + after.toMillis() <= now && !inFlight.contains(en.getKey())) {
                commands.add(new Command.Deregister(ref.service(), ref.id(), i.registeredAt()));
                keys.add(en.getKey());
            }
        }
        if (!commands.isEmpty()) {
            deregistrations.increment(commands.size());
            LOG.info("Removing {} instance(s) critical for longer than deregisterAfter: {}", commands.size(),
                    keys.size() <= 5 ? keys : keys.subList(0, 5) + " ...");
            propose(commands, keys);
        }
    }

    private void checkpoint() {
        Map<String, Long> batch = new HashMap<>();
        for (Map.Entry<String, Lease> en : leases.entrySet()) {
            Lease l = en.getValue();
            if (l.dirty) {
                l.dirty = false;
                batch.put(en.getKey(), l.lastRenewal);
                if (batch.size() >= MAX_COMMANDS_PER_ENTRY * 5) {
                    submitCheckpoint(batch);
                    batch = new HashMap<>();
                }
            }
        }
        if (!batch.isEmpty()) {
            submitCheckpoint(batch);
        }
    }

    private void submitCheckpoint(Map<String, Long> batch) {
        checkpoints.increment();
        node.submit(List.of(new Command.Checkpoint(batch))).whenComplete((c, t) -> {
            if (t != null) {
                LOG.debug("Checkpoint of {} renewals failed: {}", batch.size(), t.toString());
            }
        });
    }

    private void propose(List<Command> commands, List<String> keys) {
        for (int from = 0; from < commands.size(); from += MAX_COMMANDS_PER_ENTRY) {
            List<Command> chunk = commands.subList(from, Math.min(commands.size(), from + MAX_COMMANDS_PER_ENTRY));
            List<String> chunkKeys = keys.subList(from, Math.min(keys.size(), from + MAX_COMMANDS_PER_ENTRY));
            inFlight.addAll(chunkKeys);
            transitions.increment(chunk.size());
            List<String> mine = List.copyOf(chunkKeys);
            node.submit(List.copyOf(chunk)).whenComplete((c, t) -> {
                mine.forEach(inFlight::remove);
                if (t != null) {
                    LOG.warn("Proposing {} lease transition(s) failed; retrying on the next scan: {}", mine.size(), t.toString());
                }
            });
        }
    }

    @Override
    public void close() {
        scanner.shutdownNow();
    }
}
