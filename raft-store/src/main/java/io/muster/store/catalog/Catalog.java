package io.muster.store.catalog;

import io.muster.store.acl.AclState;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Token;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.Result;
import io.muster.store.model.Instance;
import io.muster.store.model.Member;
import io.muster.store.model.ServiceEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pcollections.TreePMap;

/**
 * The registry's replicated state. One thread applies entries (Ratis's apply thread); any number of threads
 * read. Each service is published as an immutable {@link ServiceEntry}, so a read sees a whole entry's effect
 * on a service or none of it, without locks.
 *
 * <p>Apply is deterministic (design rule 1): it reads only the entry and the state before it. The indexes it
 * keeps move only when a read's answer would change (rule 3): a checkpoint of renewals moves none.
 */
public final class Catalog implements CatalogView {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Catalog.class);
    private final ConcurrentHashMap<String, ServiceEntry> services = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> renewals = new ConcurrentHashMap<>();
    /**
     * For TTL instances not renewed since a takeover: the time of the first takeover since their last known renewal,
     * when their one takeover grace began (design rule 6a). Keyed and timed like {@link #renewals}.
     */
    private final ConcurrentHashMap<String, Long> graceFrom = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Member> members = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> options = new ConcurrentHashMap<>();
    private final List<CatalogListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentSkipListMap<Long, List<CompletableFuture<Long>>> appliedWaiters = new ConcurrentSkipListMap<>();
    /**
     * Makes {@link #export()} see whole entries only. Apply takes it for writing; single-service readers never
     * take it, since each service is published as one immutable value.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock exportLock = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile AclState acl = AclState.EMPTY;
    private volatile long changeIndex;
    private volatile long appliedIndex;
    /** The index of the last entry that removed a service: what an absent service answers as its index. */
    private volatile long removedIndex;
    /** Instances in all services, kept with apply so a quota costs no count. */
    private volatile long instanceCount;

    @Override
    public void addListener(CatalogListener listener) {
        listeners.add(listener);
    }

    /** The index of the last entry that changed any service. */
    @Override
    public long changeIndex() {
        return changeIndex;
    }

    /** The index of the last entry applied, whether or not it changed anything. */
    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public Optional<ServiceEntry> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    /** One instance of a service, as last applied. */
    @Override
    public Optional<Instance> instance(String service, String id) {
        ServiceEntry e = services.get(service);
        return e == null ? Optional.empty() : Optional.ofNullable(e.instances().get(id));
    }

    /**
     * Every service with at least one instance. A service whose last instance leaves is removed, so names
     * clients made up do not stay forever; {@link #indexOf} keeps its index from going backwards.
     */
    @Override
    public Collection<ServiceEntry> services() {
        return services.values();
    }

    /**
     * The index a read of {@code service} answers: its last change while it exists, else the index of the last
     * entry that removed any service. That never goes backwards for any name (a service is removed at an index
     * at least its own, and the watermark only grows), and a name never used answers it too, so a client can
     * block on a service before anyone registers it (design rule 3).
     */
    @Override
    public long indexOf(String service) {
        ServiceEntry e = services.get(service);
        return e != null ? e.index() : removedIndex;
    }

    /** See {@link #indexOf}. */
    @Override
    public long removedIndex() {
        return removedIndex;
    }

    /** Instances in all services. */
    @Override
    public long instanceCount() {
        return instanceCount;
    }

    /**
     * Last known renewal of each TTL instance, keyed {@code service/id}: its registration or last checkpoint, as a
     * time on the scale of entry times (the stamping leaders' wall clocks, epoch ms).
     */
    @Override
    public Map<String, Long> renewals() {
        return Map.copyOf(renewals);
    }

    /** When the one takeover grace of each TTL instance not renewed since a takeover began, as {@link #renewals}. */
    @Override
    public Map<String, Long> graceFrom() {
        return Map.copyOf(graceFrom);
    }

    /** Operator settings replicated with the catalog; absent means the server's configured default. */
    @Override
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** Tokens and policies, as of the last applied entry: one immutable value, so a request sees one whole state. */
    @Override
    public AclState acl() {
        return acl;
    }

    @Override
    public Map<String, Member> members() {
        return Map.copyOf(members);
    }

    /**
     * Completes once an entry at or beyond {@code index} is applied here. Completion happens on the apply
     * thread; callers must move their work elsewhere.
     */
    @Override
    public CompletableFuture<Long> awaitApplied(long index) {
        if (appliedIndex >= index) {
            return CompletableFuture.completedFuture(appliedIndex);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        appliedWaiters.compute(index, (k, list) -> {
            // Copy, never add in place: the apply thread may be completing that very list right now.
            List<CompletableFuture<Long>> l = list == null ? new ArrayList<>(1) : new ArrayList<>(list);
            l.add(f);
            return l;
        });
        // Re-check: an apply may have passed index between the first check and the registration above.
        if (appliedIndex >= index) {
            releaseWaiters(appliedIndex);
        }
        return f;
    }

    /** Applies one log entry at {@code index} whose term is unknown (0): term-bound commands are refused. */
    public List<Result> apply(long index, Entry entry) {
        return apply(index, 0, entry);
    }

    /**
     * Applies one log entry at {@code index}, appended to the log in {@code term}; returns one result per command, in
     * order. A command bound to another term is refused ({@link Result.Code#INVALID}) and changes nothing: only the
     * leader that decided it may commit it (design rule 6a). The term is the entry's own, so every member decides
     * alike.
     */
    public List<Result> apply(long index, long term, Entry entry) {
        exportLock.writeLock().lock();
        try {
            return applyLocked(index, term, entry);
        } finally {
            exportLock.writeLock().unlock();
        }
    }

    private List<Result> applyLocked(long index, long term, Entry entry) {
        Working touched = new Working();
        List<Result> results = new ArrayList<>(entry.commands().size());
        boolean restored = false;
        int refused = 0;
        long refusedTerm = 0;
        for (Command command : entry.commands()) {
            Result.Code code;
            long decided = Command.decidedIn(command);
            if (decided != 0 && decided != term) {
                refused++;
                refusedTerm = decided;
                code = Result.Code.INVALID;
            } else if (command instanceof Command.Register r) {
                code = register(r, entry.time(), touched);
            } else if (command instanceof Command.Deregister d) {
                code = deregister(d, touched);
            } else if (command instanceof Command.SetStatus st) {
                code = setStatus(st, entry.time(), touched);
            } else if (command instanceof Command.Checkpoint c) {
                code = checkpoint(c, entry.time(), touched);
            } else if (command instanceof Command.Takeover t) {
                code = takeover(entry.time());
            } else if (command instanceof Command.PublishMember m) {
                code = publishMember(m);
            } else if (command instanceof Command.SetOption o) {
                options.put(o.name(), o.value());
                code = Result.Code.OK;
            } else if (command instanceof Command.AclChange a) {
                code = applyAcl(a, index, entry.time());
            } else if (command instanceof Command.Restore r) {
                code = restore(r, index, touched);
                restored |= code == Result.Code.OK;
            } else {
                throw new IllegalStateException("unknown command " + command.getClass());
            }
            results.add(new Result(code, index));
        }
        if (refused > 0) {
            LOG.info("Refused {} command(s) at index {} decided in term {} but appended in term {}: a deposed leader's",
                    refused, index, refusedTerm, term);
        }
        Map<String, Set<String>> changed = publish(index, touched);
        if (restored) {
            changed = everything();
            for (String gone : touched.removedBefore) {
                changed.putIfAbsent(gone, Set.of());
            }
        }
        if (!changed.isEmpty()) {
            changeIndex = index;
        }
        appliedIndex = index;
        if (!changed.isEmpty()) {
            tell(new CatalogChange(index, changed, restored));
        }
        releaseWaiters(index);
        return results;
    }

    private Map<String, Set<String>> everything() {
        Map<String, Set<String>> all = new HashMap<>();
        services.forEach((name, e) -> all.put(name, e.instances().keySet()));
        return all;
    }

    private long countInstances() {
        long n = 0;
        for (ServiceEntry e : services.values()) {
            n += e.instances().size();
        }
        return n;
    }

    private void tell(CatalogChange change) {
        for (CatalogListener l : listeners) {
            l.changed(change);
        }
    }

    /** Marks an entry that carried no catalog commands (Ratis metadata, configuration) as applied. */
    public void skip(long index) {
        appliedIndex = index;
        releaseWaiters(index);
    }

    private Result.Code register(Command.Register r, long time, Working touched) {
        TreePMap<String, Instance> instances = working(r.service(), touched);
        Instance old = instances.get(r.id());
        if (old != null && old.spec().equals(r.spec())) {
            return Result.Code.OK;
        }
        if (old == null && r.quota() != null) {
            Result.Code refused = quota(r.quota(), instances, touched);
            if (refused != Result.Code.OK) {
                return refused;
            }
        }
        if (old == null) {
            touched.instanceDelta++;
            if (instances.isEmpty()) {
                touched.serviceDelta++;
            }
        }
        Instance fresh;
        if (old != null && sameCheckKind(old, r)) {
            // A changed spec keeps the instance's identity and earned status; only a new kind of check resets it.
            fresh = new Instance(r.id(), r.spec(), old.status(), old.note(), old.registeredAt(), old.statusSince());
        } else {
            var status = r.spec().check() == null ? io.muster.store.model.Status.PASSING : r.spec().check().initialStatus();
            fresh = new Instance(r.id(), r.spec(), status, "", time, time);
        }
        touched.instances.put(r.service(), instances.plus(r.id(), fresh));
        touched.ids(r.service()).add(r.id());
        if (r.spec().check() instanceof io.muster.store.model.Check.Ttl) {
            renewals.put(key(r.service(), r.id()), time);
            graceFrom.remove(key(r.service(), r.id()));
        }
        return Result.Code.OK;
    }

    /** Whether adding one instance to a service holding {@code instances} stays within the quota. */
    private Result.Code quota(Command.Quota q, TreePMap<String, Instance> instances, Working touched) {
        if (q.instancesPerService() > 0 && instances.size() >= q.instancesPerService()) {
            return Result.Code.QUOTA_INSTANCES_PER_SERVICE;
        }
        if (q.instances() > 0 && instanceCount + touched.instanceDelta >= q.instances()) {
            return Result.Code.QUOTA_INSTANCES;
        }
        if (q.services() > 0 && instances.isEmpty() && services.size() + touched.serviceDelta >= q.services()) {
            return Result.Code.QUOTA_SERVICES;
        }
        return Result.Code.OK;
    }

    private static boolean sameCheckKind(Instance old, Command.Register r) {
        var a = old.check();
        var b = r.spec().check();
        return a == null ? b == null : b != null && a.getClass() == b.getClass();
    }

    private Result.Code deregister(Command.Deregister d, Working touched) {
        if (!exists(d.service(), d.id(), touched)) {
            return Result.Code.NOT_FOUND;
        }
        TreePMap<String, Instance> instances = working(d.service(), touched);
        Instance old = instances.get(d.id());
        if (d.registeredAt() != 0 && old.registeredAt() != d.registeredAt()) {
            return Result.Code.NOT_FOUND;
        }
        TreePMap<String, Instance> after = instances.minus(d.id());
        touched.instances.put(d.service(), after);
        touched.ids(d.service()).add(d.id());
        touched.instanceDelta--;
        if (after.isEmpty()) {
            touched.serviceDelta--;
        }
        renewals.remove(key(d.service(), d.id()));
        graceFrom.remove(key(d.service(), d.id()));
        return Result.Code.OK;
    }

    private Result.Code setStatus(Command.SetStatus s, long time, Working touched) {
        if (!exists(s.service(), s.id(), touched)) {
            return Result.Code.NOT_FOUND;
        }
        TreePMap<String, Instance> instances = working(s.service(), touched);
        Instance old = instances.get(s.id());
        if (old.registeredAt() != s.registeredAt()) {
            return Result.Code.NOT_FOUND;
        }
        String note = s.note() == null ? "" : s.note();
        if (old.status() == s.status() && old.note().equals(note)) {
            return Result.Code.OK;
        }
        touched.instances.put(s.service(), instances.plus(s.id(), old.withStatus(s.status(), note, time)));
        touched.ids(s.service()).add(s.id());
        return Result.Code.OK;
    }

    private Result.Code checkpoint(Command.Checkpoint c, long time, Working touched) {
        // A null time or age (JSON null in the map) is skipped on every member alike rather than thrown on all of them.
        if (c.renewals() != null) {
            c.renewals().forEach((k, t) -> {
                if (t != null) {
                    renewed(k, t, touched);
                }
            });
        }
        if (c.ages() != null) {
            c.ages().forEach((k, age) -> {
                if (age != null) {
                    renewed(k, time - Math.max(0, age), touched);
                }
            });
        }
        return Result.Code.OK;
    }

    /** A renewal the leader saw in its term: later than any takeover before it, so its grace is spent. */
    private void renewed(String k, long at, Working touched) {
        // A renewal batched before its instance left must not leave a key that nothing would ever remove.
        int slash = k.indexOf('/');
        if (slash > 0 && exists(k.substring(0, slash), k.substring(slash + 1), touched)) {
            renewals.merge(k, at, Math::max);
            graceFrom.remove(k);
        }
    }

    /** The first takeover since an instance's last known renewal starts its grace; later ones do not move it. */
    private Result.Code takeover(long time) {
        for (String k : renewals.keySet()) {
            graceFrom.putIfAbsent(k, time);
        }
        return Result.Code.OK;
    }

    private Result.Code applyAcl(Command.AclChange change, long index, long time) {
        AclState.Outcome o;
        if (change instanceof Command.PutPolicy p) {
            o = acl.putPolicy(p.policy(), index);
        } else if (change instanceof Command.DeletePolicy d) {
            o = acl.deletePolicy(d.name(), index);
        } else if (change instanceof Command.CreateToken t) {
            o = acl.createToken(new Token(t.accessor(), t.secretSha256(), t.description(), t.policies(), time), index);
        } else if (change instanceof Command.DeleteToken d) {
            o = acl.deleteToken(d.accessor(), index);
        } else {
            Command.BootstrapAcl b = (Command.BootstrapAcl) change;
            o = acl.bootstrap(new Token(b.accessor(), b.secretSha256(), b.description(), List.of(Policy.MANAGEMENT), time), index);
        }
        acl = o.state();
        return o.accepted() ? Result.Code.OK : o.found() ? Result.Code.INVALID : Result.Code.NOT_FOUND;
    }

    private Result.Code publishMember(Command.PublishMember m) {
        members.put(m.member().id(), m.member());
        return Result.Code.OK;
    }

    private Result.Code restore(Command.Restore r, long index, Working touched) {
        SnapshotData data;
        try {
            data = SnapshotFormat.read(r.snapshot(), SnapshotFormat.MAX_INFLATED_BYTES);
        } catch (IllegalArgumentException e) {
            // Checked before proposing; a bad file that got here anyway must change nothing, on every node alike.
            return Result.Code.INVALID;
        }
        touched.instances.clear();
        touched.ids.clear();
        touched.instanceDelta = 0;
        touched.serviceDelta = 0;
        touched.removedBefore.addAll(services.keySet());
        services.clear();
        renewals.clear();
        graceFrom.clear();
        data.services().forEach(s -> {
            if (!s.instances().isEmpty()) {
                services.put(s.name(), new ServiceEntry(s.name(), index, s.instances()));
            }
        });
        // Every service read differently before answers at least this index now: one the backup lacks is gone,
        // so the watermark moves here (rule 3) and its blocking readers are told it changed.
        removedIndex = index;
        instanceCount = countInstances();
        renewals.putAll(data.renewals());
        graceFrom.putAll(data.graceFromOrEmpty());
        // A backup made before ACLs (no acl section) keeps today's tokens: restoring it must not lock everyone out.
        if (data.acl() != null) {
            AclState.Data d = data.acl();
            acl = AclState.of(new AclState.Data(d.policies(), d.tokens(), d.bootstrapped(), index));
        }
        // Members describe the running cluster, not the backup's: keep ours.
        return Result.Code.OK;
    }

    private boolean exists(String service, String id, Working touched) {
        TreePMap<String, Instance> w = touched.instances.get(service);
        if (w != null) {
            return w.containsKey(id);
        }
        ServiceEntry e = services.get(service);
        return e != null && e.instances().containsKey(id);
    }

    /** The service's instances as this entry has changed them so far. */
    private TreePMap<String, Instance> working(String service, Working touched) {
        TreePMap<String, Instance> w = touched.instances.get(service);
        if (w != null) {
            return w;
        }
        ServiceEntry e = services.get(service);
        return e == null ? TreePMap.empty() : e.persistentInstances();
    }

    /** The services an entry is changing (persistent maps: a change shares the rest), and the ids it touched. */
    private static final class Working {
        final Map<String, TreePMap<String, Instance>> instances = new HashMap<>();
        final Map<String, Set<String>> ids = new HashMap<>();
        /** Instances and non-empty services this entry added (negative: removed) so far, for quotas. */
        long instanceDelta;
        int serviceDelta;
        /** Services that existed before a restore in this entry (their readers must be woken). */
        final Set<String> removedBefore = new LinkedHashSet<>();

        Set<String> ids(String service) {
            return ids.computeIfAbsent(service, s -> new java.util.HashSet<>());
        }
    }

    /**
     * Publishes the services an entry changed and returns, per service, the instances that differ; a service whose
     * instances are unchanged keeps its index. Only touched ids can differ, so only they are compared.
     */
    private Map<String, Set<String>> publish(long index, Working touched) {
        Map<String, Set<String>> changed = new HashMap<>();
        touched.instances.forEach((name, instances) -> {
            ServiceEntry before = services.get(name);
            Set<String> differ = new java.util.HashSet<>();
            for (String id : touched.ids.getOrDefault(name, Set.of())) {
                Instance was = before == null ? null : before.instances().get(id);
                if (!java.util.Objects.equals(was, instances.get(id))) {
                    differ.add(id);
                }
            }
            if (differ.isEmpty()) {
                return;
            }
            instanceCount += instances.size() - (before == null ? 0 : before.instances().size());
            if (instances.isEmpty()) {
                services.remove(name);
                removedIndex = index;
            } else {
                services.put(name, new ServiceEntry(name, index, instances));
            }
            changed.put(name, differ);
        });
        return changed;
    }

    private void releaseWaiters(long index) {
        if (appliedWaiters.isEmpty()) {
            return;
        }
        var ready = appliedWaiters.headMap(index, true);
        while (!ready.isEmpty()) {
            var first = ready.pollFirstEntry();
            if (first == null) {
                break;
            }
            first.getValue().forEach(f -> f.complete(index));
        }
    }

    /** Loads a snapshot into an empty or stale catalog, replacing everything. */
    public void load(SnapshotData data) {
        exportLock.writeLock().lock();
        try {
            loadLocked(data);
        } finally {
            exportLock.writeLock().unlock();
        }
    }

    private void loadLocked(SnapshotData data) {
        // Replace service by service rather than clear first, so a concurrent reader never sees a service vanish.
        Set<String> incoming = new java.util.HashSet<>();
        long removed = 0;
        if (data.options() != null && data.options().get(REMOVED_INDEX_SLOT) != null) {
            try {
                removed = Long.parseLong(data.options().get(REMOVED_INDEX_SLOT));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("snapshot has a bad " + REMOVED_INDEX_SLOT + " slot", e);
            }
        }
        for (SnapshotData.ServiceData s : data.services()) {
            if (s.instances().isEmpty()) {
                // Written before empty services were removed: drop it, keeping its index as the watermark.
                removed = Math.max(removed, s.index());
                continue;
            }
            incoming.add(s.name());
            services.put(s.name(), new ServiceEntry(s.name(), s.index(), s.instances()));
        }
        services.keySet().retainAll(incoming);
        removedIndex = removed;
        instanceCount = countInstances();
        renewals.clear();
        graceFrom.clear();
        members.clear();
        renewals.putAll(data.renewals());
        graceFrom.putAll(data.graceFromOrEmpty());
        data.members().forEach(m -> members.put(m.id(), m));
        options.clear();
        if (data.options() != null) {
            options.putAll(data.options());
            options.remove(REMOVED_INDEX_SLOT);
        }
        acl = AclState.of(data.acl());
        changeIndex = data.changeIndex();
        appliedIndex = data.appliedIndex();
        if (!services.isEmpty()) {
            tell(new CatalogChange(changeIndex, everything(), true));
        }
        releaseWaiters(appliedIndex);
    }

    /** A consistent copy of the whole state as of one applied entry, for snapshots and backups; any thread. */
    @Override
    public SnapshotData export() {
        exportLock.readLock().lock();
        try {
            return exportLocked();
        } finally {
            exportLock.readLock().unlock();
        }
    }

    private SnapshotData exportLocked() {
        List<SnapshotData.ServiceData> list = new ArrayList<>();
        services.values().stream()
                .sorted(java.util.Comparator.comparing(ServiceEntry::name))
                .forEach(e -> list.add(new SnapshotData.ServiceData(e.name(), e.index(), e.instances())));
        // Without ACL state the file is version 1, readable by the previous release (rolling upgrades, old backups).
        AclState a = acl;
        return new SnapshotData(SnapshotFormat.FORMAT, a.isEmpty() ? SnapshotFormat.FIRST_VERSION : SnapshotFormat.VERSION,
                appliedIndex, changeIndex, list,
                new TreeMap<>(renewals), members.values().stream().sorted(java.util.Comparator.comparing(Member::id)).toList(),
                exportedOptions(), graceFrom.isEmpty() ? null : new TreeMap<>(graceFrom), a.isEmpty() ? null : a.export());
    }

    /**
     * The options, plus the removal watermark under {@value #REMOVED_INDEX_SLOT}: carried in the options map
     * rather than a new field so that a member of the previous version can still read this snapshot during a
     * rolling upgrade (it keeps an unknown option and never reads it).
     */
    private TreeMap<String, String> exportedOptions() {
        TreeMap<String, String> out = new TreeMap<>(options);
        if (removedIndex > 0) {
            out.put(REMOVED_INDEX_SLOT, Long.toString(removedIndex));
        }
        return out;
    }

    /** Where a snapshot keeps {@link #removedIndex()}; not an operator option. */
    public static final String REMOVED_INDEX_SLOT = "removed-index";

    public static String key(String service, String id) {
        return service + "/" + id;
    }
}
