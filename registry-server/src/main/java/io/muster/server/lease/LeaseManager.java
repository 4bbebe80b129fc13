package io.muster.server.lease;

import io.micrometer.core.instrument.MeterRegistry;
import io.muster.server.time.Ticker;
import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.CatalogView;
import io.muster.store.catalog.CatalogChange;
import io.muster.store.command.Command;
import io.muster.store.command.ReplicatedOption;
import io.muster.store.command.Result;
import io.muster.store.model.Check;
import io.muster.store.model.GoDuration;
import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import io.muster.store.raft.NoLeaderException;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.Proposals;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TTL leases, held in the leader's memory as etcd holds its leases (design rule 5). A renewal touches one map
 * entry; only transitions reach the Raft log, in batches: lapsed to critical, back to the status a heartbeat
 * reports, removal after {@code deregisterAfter} ({@link CriticalRemoval}), and a rate-limited checkpoint of
 * renewals, so that a new leader starts from the last checkpoint plus one grace per instance (rule 6).
 *
 * <p>Driven by leadership events ({@link LeadershipEvents}): a promotion rebuilds the {@link LeaseTable} from the
 * catalog and proposes a {@link Command.Takeover}; a demotion drops it. Everything it proposes carries the promoted
 * term, so a deposed leader's decisions are refused at apply (rule 6a), and a scan that finds this process was
 * paused re-grants its leases before it expires anything ({@link PauseDetector}). Durations run on the monotonic
 * {@link Ticker} (rule 6b); the wall clock is read once per takeover, to place the log's entry times on it.
 *
 * <p>Threading: one owner thread runs events, scans and proposal completions; renewals come from any thread.
 */
public final class LeaseManager implements LeadershipEvents, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseManager.class);
    public static final String SELF_PRESERVATION_OPTION = ReplicatedOption.SELF_PRESERVATION.name();
    private static final int MAX_COMMANDS_PER_ENTRY = 2000;
    private static final int MAX_RENEWALS_PER_CHECKPOINT = MAX_COMMANDS_PER_ENTRY * 5;
    /** A gap between scans longer than this many scan intervals (and at least a second) is a pause of the process. */
    private static final int PAUSE_SCANS = 5;

    private final CatalogView catalog;
    private final Proposer proposer;
    private final LeaseSettings settings;
    private final Ticker ticker;
    private final LongSupplier wall;
    private final String self;
    /** The term this member's Raft leads in with everything before it applied, 0 otherwise: what events report. */
    private final LongSupplier raftLeads;
    private final Executor owner;
    private final ScheduledExecutorService thread;
    private final LeaseTable table = new LeaseTable();
    private final CriticalRemoval removal;
    private final SelfPreservation selfPreservation;
    private final PauseDetector pauses;
    private final LeaseMetrics metrics;
    /** Keys with a transition proposed and not yet applied: not proposed again meanwhile. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Catalog changes since the last scan, queued by the apply thread while this member leads. */
    private final Queue<CatalogChange> changes = new ConcurrentLinkedQueue<>();
    /** The term this member leads in, 0 when it does not; set and cleared on the owner thread. */
    private volatile long term;
    /** The table is built for {@link #term}: renewals may land in it. */
    private volatile boolean ready;
    private boolean takeoverApplied;
    private boolean takeoverProposing;
    /** The last term whose decisions the log refused: not taken over again however long Raft still says it leads. */
    private long deposedTerm;
    /** What Raft said at the last scan when it disagreed with the events (-1: it agreed). */
    private long mismatchSeen = -1;
    private long lastCheckpoint;
    private long removalsHeldUntil;
    private boolean loggedHold;

    /**
     * @param wall the wall clock, epoch ms: read only at a takeover, to place the log's entry times on {@code ticker}
     * @param raftLeads the term this member's Raft leads in, ready, else 0: each scan checks the events against it
     * @param owner runs events, scans and completions one at a time (a direct executor in tests)
     */
    LeaseManager(CatalogView catalog, Proposer proposer, LeaseSettings settings, Ticker ticker, LongSupplier wall,
            MeterRegistry meters, String self, LongSupplier raftLeads, Executor owner) {
        this(catalog, proposer, settings, ticker, wall, meters, self, raftLeads, owner, null);
    }

    private LeaseManager(CatalogView catalog, Proposer proposer, LeaseSettings settings, Ticker ticker, LongSupplier wall,
            MeterRegistry meters, String self, LongSupplier raftLeads, Executor owner, ScheduledExecutorService thread) {
        this.catalog = catalog;
        this.proposer = proposer;
        this.settings = settings;
        this.ticker = ticker;
        this.wall = wall;
        this.self = self;
        this.raftLeads = raftLeads;
        this.owner = owner;
        this.thread = thread;
        this.removal = new CriticalRemoval(settings.defaultDeregisterAfter());
        this.selfPreservation = new SelfPreservation(settings);
        this.pauses = new PauseDetector(Math.max(1000, PAUSE_SCANS * settings.scanInterval().toMillis()));
        this.metrics = new LeaseMetrics(meters, table::size, () -> selfPreservation.active() ? 1 : 0);
        catalog.addListener(c -> {
            if (term != 0) {
                changes.add(c);
            }
        });
    }

    /** The lease manager of a Raft member, on a thread of its own and driven by the member's leadership. */
    public static LeaseManager onRaft(CatalogView catalog, Proposals proposals, Leadership leadership, LeaseSettings settings, Ticker ticker, Clock wall, MeterRegistry meters) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "muster-leases-" + leadership.id());
            t.setDaemon(true);
            return t;
        });
        LeaseManager m = new LeaseManager(catalog, commands -> proposals.submit(commands).thenApply(c -> c.codes()), settings, ticker, wall::millis, meters, leadership.id(),
                leadership::readyTerm, r -> runOn(thread, r), thread);
        RaftLeadership.subscribe(leadership, m);
        return m;
    }

    private static void runOn(ScheduledExecutorService thread, Runnable r) {
        try {
            // A scheduled executor keeps a task's exception in a future nobody reads: log it, or a failed takeover
            // would leave this member leading with no lease table and nothing said.
            thread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("Lease manager task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed: nothing left to do.
        }
    }

    /** Starts the periodic scan (members built with {@link #onRaft}). */
    public void start() {
        long ms = settings.scanInterval().toMillis();
        thread.scheduleWithFixedDelay(this::scanSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Whether self-preservation is on: the operator's replicated switch, else the configured default. */
    public boolean selfPreservationEnabled() {
        return catalog.option(ReplicatedOption.SELF_PRESERVATION).orElse(settings.selfPreservationEnabled());
    }

    public boolean selfPreservationActive() {
        return selfPreservation.active();
    }

    @Override
    public void promoted(long term) {
        owner.execute(() -> takeOver(term));
    }

    @Override
    public void demoted() {
        owner.execute(this::stepDown);
    }

    /**
     * Renews on this member, which must lead with its table built. Returns false when the instance is unknown or
     * has no TTL check, so the client registers again.
     */
    public boolean renew(String service, String id, Status status, String note) {
        long t = term;
        if (t == 0 || !ready) {
            throw new NoLeaderException("not the leader", null);
        }
        Instance inst = catalog.instance(service, id).orElse(null);
        if (inst == null || !(inst.check() instanceof Check.Ttl ttl)) {
            return false;
        }
        String key = Catalog.key(service, id);
        table.renew(key, service, id, inst, ttl.ttl().toMillis(), ticker.millis());
        metrics.renewals.increment();
        if (inst.status() != status && !inFlight.contains(key)) {
            // A status change is the one part of a heartbeat that goes to the log; propose it right away.
            String n = note.isEmpty() && inst.status() == Status.CRITICAL ? "heartbeat resumed" : note;
            owner.execute(() -> propose(List.of(new Command.SetStatus(service, id, inst.registeredAt(), status, n, t)), List.of(key), t));
        }
        return true;
    }

    private void takeOver(long newTerm) {
        if (newTerm == term) {
            return;
        }
        term = newTerm;
        ready = false;
        inFlight.clear();
        changes.clear();
        selfPreservation.reset();
        pauses.reset();
        loggedHold = false;
        takeoverApplied = false;
        long now = ticker.millis();
        long wallNow = wall.getAsLong();
        table.takeOver(catalog, now, wallNow);
        removal.takeOver(catalog, now, wallNow);
        lastCheckpoint = now;
        removalsHeldUntil = now;
        ready = true;
        LOG.info("Leader {} took over {} TTL leases in term {} from the last checkpoint; each gets at most one {} grace "
                + "since its last renewal", self, table.size(), newTerm, GoDuration.format(settings.takeoverGrace()));
        proposeTakeover();
    }

    /** Records the takeover in the log, so later leaders count each grace from the first takeover since a renewal. */
    private void proposeTakeover() {
        long t = term;
        takeoverProposing = true;
        submit(List.of(new Command.Takeover(self, t))).whenComplete((c, error) -> owner.execute(() -> {
            if (term != t) {
                return;
            }
            takeoverProposing = false;
            if (error == null && refused(c)) {
                deposed(t);
            } else if (error != null) {
                LOG.warn("Recording the takeover of term {} failed; retrying on the next scan: {}", t, error.toString());
            } else {
                takeoverApplied = true;
            }
        }));
    }

    private void stepDown() {
        if (term == 0) {
            return;
        }
        LOG.info("No longer leader (term {}): dropping {} leases", term, table.size());
        term = 0;
        ready = false;
        table.clear();
        removal.clear();
        inFlight.clear();
        changes.clear();
        selfPreservation.reset();
        pauses.reset();
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.error("Lease scan failed", e);
        }
    }

    /** One scan: on the owner thread, every scan interval. */
    void scan() {
        reconcile();
        if (term == 0 || !ready) {
            return;
        }
        long now = ticker.millis();
        long paused = pauses.scanned(now);
        if (paused > 0) {
            int n = table.regrant(now);
            removalsHeldUntil = now + settings.takeoverGrace().toMillis();
            metrics.pauses.increment();
            LOG.warn("Lease scan ran {} ms after the previous one: this process was paused (GC, SIGSTOP, starved host). "
                    + "Re-granting {} lease(s) a {} grace before expiring anything", paused, n, GoDuration.format(settings.takeoverGrace()));
        }
        syncChanged(now);
        if (!takeoverApplied) {
            if (!takeoverProposing) {
                proposeTakeover();
            }
            return;
        }
        if (now - lastCheckpoint >= settings.checkpointInterval().toMillis()) {
            lastCheckpoint = now;
            checkpoint(now);
        }
        if (now >= removalsHeldUntil) {
            removeLongCritical(now);
        }
        expireLapsed(now);
    }

    /**
     * The events do not tell everything: Ratis reports readiness once, on its apply thread (and a member restarting
     * into leadership has been seen to lead a term for 90 s with no promotion), and a leader that steps down before
     * anyone else is named gets no demotion until a successor is. What Raft says now wins.
     */
    private void reconcile() {
        long leads = raftLeads.getAsLong();
        boolean missedPromotion = leads > 0 && leads != term && leads > deposedTerm;
        boolean missedDemotion = leads == 0 && term != 0;
        if (!missedPromotion && !missedDemotion) {
            mismatchSeen = -1;
            return;
        }
        // Ratis marks its leader ready an instant before it sends the event, and a demotion can be read mid-change:
        // act only on what two scans in a row saw, so an event still on its way is never taken for a lost one.
        if (mismatchSeen != leads) {
            mismatchSeen = leads;
            return;
        }
        mismatchSeen = -1;
        if (missedPromotion) {
            LOG.warn("Leading term {} with no promotion heard (lease table of term {}): taking over now", leads, term);
            metrics.missedPromotions.increment();
            takeOver(leads);
        } else {
            // The usual way to lose a term without an event: Ratis names no one when its leader steps down alone.
            stepDown();
        }
    }

    /** Brings leases and the critical set in line with what the catalog changed since the last scan. */
    private void syncChanged(long now) {
        CatalogChange change = CatalogChange.drain(changes);
        Map<String, Set<String>> touched = change.instances();
        if (change.everything()) {
            // A restore or snapshot load may have changed anything: look at every lease and every instance.
            table.dropStale(catalog);
            removal.clear();
            touched = new HashMap<>();
            for (ServiceEntry e : catalog.services()) {
                touched.put(e.name(), e.instances().keySet());
            }
        }
        touched.forEach((service, ids) -> ids.forEach(id -> {
            String key = Catalog.key(service, id);
            Instance i = catalog.instance(service, id).orElse(null);
            inFlight.remove(key);
            table.sync(key, service, id, i, now);
            removal.sync(key, service, id, i, now);
        }));
    }

    private void expireLapsed(long now) {
        long graceMs = settings.takeoverGrace().toMillis();
        List<Command> commands = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int overdue = 0;
        for (Map.Entry<String, Lease> en : table.entries()) {
            Lease l = en.getValue();
            if (now - l.renewedAt > l.ttlMs / 2) {
                overdue++;
            }
            if (l.deadline(graceMs) >= now || inFlight.contains(en.getKey())) {
                continue;
            }
            Instance i = catalog.instance(l.service, l.id).orElse(null);
            if (i == null || i.status() == Status.CRITICAL || i.registeredAt() != l.registeredAt) {
                continue;
            }
            commands.add(new Command.SetStatus(l.service, l.id, l.registeredAt, Status.CRITICAL,
                    "TTL expired: no heartbeat for " + GoDuration.format(Duration.ofMillis(now - l.renewedAt)), term));
            keys.add(en.getKey());
        }
        if (selfPreservation.hold(now, commands.size(), overdue, table.size(), selfPreservationEnabled())) {
            if (!loggedHold) {
                LOG.warn("Self-preservation ON: {} of {} TTL instances lapsed at once (limit {}% within {}); holding them as they are "
                        + "until heartbeats return or an operator switches self-preservation off",
                        commands.size(), table.size(), Math.round(settings.selfPreservationShare() * 100),
                        GoDuration.format(settings.selfPreservationWindow()));
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
                Lease l = table.get(key);
                if (l != null) {
                    l.renewedAt = Math.max(l.renewedAt, now);
                    l.graceFrom = Lease.NO_GRACE;
                }
            }
            return;
        }
        if (commands.isEmpty()) {
            return;
        }
        selfPreservation.expired(now, commands.size());
        metrics.expirations.increment(commands.size());
        LOG.info("Expiring {} TTL instance(s) in term {}: {}", commands.size(), term, keys.size() <= 5 ? keys : keys.subList(0, 5) + " ...");
        propose(commands, keys, term);
    }

    private void removeLongCritical(long now) {
        List<String> keys = new ArrayList<>();
        List<Command> commands = removal.due(catalog, now, term, inFlight, keys);
        if (!commands.isEmpty()) {
            metrics.deregistrations.increment(commands.size());
            LOG.info("Removing {} instance(s) critical for longer than deregisterAfter: {}", commands.size(),
                    keys.size() <= 5 ? keys : keys.subList(0, 5) + " ...");
            propose(commands, keys, term);
        }
    }

    private void checkpoint(long now) {
        Map<String, Long> ages = table.takeAges(now);
        Map<String, Long> batch = new HashMap<>();
        for (Map.Entry<String, Long> en : ages.entrySet()) {
            batch.put(en.getKey(), en.getValue());
            if (batch.size() >= MAX_RENEWALS_PER_CHECKPOINT) {
                submitCheckpoint(batch);
                batch = new HashMap<>();
            }
        }
        if (!batch.isEmpty()) {
            submitCheckpoint(batch);
        }
    }

    private void submitCheckpoint(Map<String, Long> ages) {
        metrics.checkpoints.increment();
        long decidedIn = term;
        submit(List.of(Command.Checkpoint.ages(ages, decidedIn))).whenComplete((c, t) -> {
            if (t == null && refused(c)) {
                owner.execute(() -> deposed(decidedIn));
            } else if (t != null) {
                LOG.debug("Checkpoint of {} renewals failed: {}", ages.size(), t.toString());
            }
        });
    }

    private void propose(List<Command> commands, List<String> keys, long decidedIn) {
        if (decidedIn != term) {
            return; // decided under a leadership that has ended: its successor decides afresh
        }
        for (int from = 0; from < commands.size(); from += MAX_COMMANDS_PER_ENTRY) {
            List<Command> chunk = commands.subList(from, Math.min(commands.size(), from + MAX_COMMANDS_PER_ENTRY));
            List<String> chunkKeys = keys.subList(from, Math.min(keys.size(), from + MAX_COMMANDS_PER_ENTRY));
            inFlight.addAll(chunkKeys);
            metrics.transitions.increment(chunk.size());
            List<String> mine = List.copyOf(chunkKeys);
            submit(List.copyOf(chunk)).whenComplete((c, t) -> {
                mine.forEach(inFlight::remove);
                if (t == null && refused(c)) {
                    owner.execute(() -> deposed(decidedIn));
                } else if (t != null) {
                    LOG.warn("Proposing {} lease transition(s) failed; retrying on the next scan: {}", mine.size(), t.toString());
                }
            });
        }
    }

    private static boolean refused(List<Result.Code> codes) {
        return codes != null && codes.contains(Result.Code.INVALID);
    }

    /**
     * The log refused what this member decided in {@code t}: another member leads a later term. Drop the table now
     * rather than propose the same refused transitions on every scan until the demotion arrives.
     */
    private void deposed(long t) {
        if (term == t) {
            LOG.warn("Lease transitions decided in term {} were refused at apply: another member leads now", t);
            deposedTerm = Math.max(deposedTerm, t);
            stepDown();
        }
    }

    private java.util.concurrent.CompletableFuture<List<Result.Code>> submit(List<Command> commands) {
        try {
            return proposer.propose(commands);
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
