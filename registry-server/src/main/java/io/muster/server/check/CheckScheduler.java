package io.muster.server.check;

import io.micrometer.core.instrument.MeterRegistry;
import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.CatalogView;
import io.muster.store.catalog.CatalogChange;
import io.muster.store.command.Command;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import io.muster.store.raft.ClusterAdmin;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.Proposals;
import io.muster.store.raft.ReadBarrier;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.muster.server.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's share of the active checks (design rule 8). Every member runs one. It keeps the HTTP and TCP
 * instances that rendezvous hashing over the agreed live members assigns to it, probes each once per interval
 * (first run at a random point of the interval, so checks spread out instead of firing together), never more than
 * {@link CheckSettings#concurrency()} at once, and turns results into transitions through the thresholds; only
 * those reach the log, batched.
 *
 * <p>Threading: all state belongs to one thread of its own, which ticks every {@value #TICK_MS} ms. Probes are
 * asynchronous on Vert.x event loops and hand their results back to that thread; nothing here blocks an event loop.
 */
public final class CheckScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckScheduler.class);
    static final long TICK_MS = 50;
    private static final long MEMBERSHIP_MS = 250;

    private final String self;
    private final CatalogView catalog;
    private final CheckSettings settings;
    private final Ticker clock;
    private final CheckMembers liveMembers;
    private final Probe probe;
    private final AutoCloseable probes;
    private final CheckMetrics metrics;
    private final TransitionBatcher batcher;
    private final ScheduledExecutorService thread;
    private final java.util.concurrent.Executor owner;
    /** Catalog changes since the last tick, queued by the apply thread. */
    private final java.util.Queue<CatalogChange> changes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Map<String, Map<String, Assignment>> byService = new HashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>();
    private final SplittableRandom random = new SplittableRandom();
    private Rendezvous ring = Rendezvous.over(List.of());
    private boolean serving;
    private boolean resyncAll = true;
    private long nextMembership;
    /** Probes running now; decremented where they complete, so queueing for this thread does not hold a slot. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int assignedCount;
    private volatile boolean closed;

    /** The checks of a Raft member: probes on Vert.x, a thread of its own, durations on {@code ticker} (monotonic). */
    public CheckScheduler(CatalogView catalog, Proposals proposals, Leadership leadership, ReadBarrier reads, ClusterAdmin admin,
                          Vertx vertx, CheckSettings settings, CheckTargets targets, Ticker ticker, MeterRegistry meters) {
        this(leadership.id(), catalog, new LiveMembers(catalog, leadership, reads, admin, proposals, settings.memberTimeout().toMillis()),
                new VertxProbes(vertx, leadership.id(), settings, targets),
                proposals::submit, settings, ticker, meters, Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "muster-checks-" + leadership.id());
                    t.setDaemon(true);
                    return t;
                }), null);
    }

    /**
     * @param thread the scheduler's own thread, or null when {@code owner} runs everything and a test calls {@link #tick()}
     * @param owner runs probe results and completions on the thread that owns the state (when {@code thread} is null)
     */
    CheckScheduler(String self, CatalogView catalog, CheckMembers members, Probe probe,
            java.util.function.Function<List<Command>, CompletableFuture<?>> submit, CheckSettings settings, Ticker ticker,
            MeterRegistry meters, ScheduledExecutorService thread, java.util.concurrent.Executor owner) {
        this.self = self;
        this.catalog = catalog;
        this.settings = settings;
        this.clock = ticker;
        this.liveMembers = members;
        this.probe = probe;
        this.probes = probe instanceof AutoCloseable c ? c : () -> { };
        this.metrics = new CheckMetrics(meters, () -> assignedCount, inFlight::get);
        this.thread = thread;
        this.owner = thread != null ? thread : owner;
        this.batcher = new TransitionBatcher(submit, this::onThread, settings.batchInterval().toMillis());
        catalog.addListener(changes::add);
    }

    /** HTTP and TCP probes on Vert.x. */
    private static final class VertxProbes implements Probe, AutoCloseable {
        private final HttpProbe http;
        private final TcpProbe tcp;

        VertxProbes(Vertx vertx, String self, CheckSettings settings, CheckTargets targets) {
            this.http = new HttpProbe(vertx, self, settings.concurrency(), targets);
            this.tcp = new TcpProbe(vertx, targets);
        }

        @Override
        public CompletableFuture<ProbeResult> run(Check check) {
            return check instanceof Check.Http h ? http.run(h) : tcp.run((Check.Tcp) check);
        }

        @Override
        public void close() {
            http.close();
            tcp.close();
        }
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::tickSafely, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** How many instances this member checks now. */
    public int assigned() {
        return assignedCount;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("Check scheduler tick failed", e);
        }
    }

    /** One tick: on the scheduler's thread every {@value #TICK_MS} ms (tests call it on fake time). */
    void tick() {
        long now = clock.millis();
        if (now >= nextMembership) {
            nextMembership = now + MEMBERSHIP_MS;
            liveMembers.lead(now);
            List<String> live = liveMembers.current();
            if (!live.equals(ring.members())) {
                LOG.info("Member {} shares checks among {}", self, live);
                ring = Rendezvous.over(live);
                resyncAll = true;
            }
            Optional<String> why = liveMembers.notServing(live, serving);
            if (why.isEmpty() != serving) {
                if (why.isEmpty()) {
                    LOG.info("Member {} starts checking", self);
                } else {
                    LOG.info("Member {} stops checking: {}", self, why.get());
                    liveMembers.stoppedServing();
                }
                serving = why.isEmpty();
            }
        }
        CatalogChange change = CatalogChange.drain(changes);
        resyncAll |= change.everything();
        if (resyncAll) {
            resyncAll = false;
            for (ServiceEntry e : catalog.services()) {
                resync(e.name(), now);
            }
            for (String name : List.copyOf(byService.keySet())) {
                if (catalog.service(name).isEmpty()) {
                    resync(name, now);
                }
            }
        } else {
            // Only the instances a change touched: the work follows the change, not the size of its service.
            change.instances().forEach((service, ids) -> ids.forEach(id -> resync(service, id, now)));
        }
        assignedCount = byService.values().stream().mapToInt(Map::size).sum();
        if (serving) {
            startDue(now);
        }
        batcher.flush(now, this::proposed);
    }

    /** Brings this member's assignments for one service in line with the catalog and the ring. */
    private void resync(String service, long now) {
        Map<String, Instance> instances = catalog.service(service).map(ServiceEntry::asMap).orElse(Map.of());
        Map<String, Assignment> mine = byService.getOrDefault(service, Map.of());
        for (String id : List.copyOf(mine.keySet())) {
            if (!instances.containsKey(id)) {
                resync(service, id, now);
            }
        }
        for (String id : instances.keySet()) {
            resync(service, id, now);
        }
    }

    /** First run at a random point of the check's interval, so that checks registered together spread out. */
    private void scheduleWithinInterval(Assignment a, long now) {
        schedule(a, now + random.nextLong(Math.max(1, interval(a.check))));
    }

    /** Brings this member's assignment for one instance in line with the catalog and the ring. */
    private void resync(String service, String id, long now) {
        Instance i = catalog.instance(service, id).orElse(null);
        Map<String, Assignment> mine = byService.get(service);
        Assignment a = mine == null ? null : mine.get(id);
        boolean probed = i != null && (i.check() instanceof Check.Http || i.check() instanceof Check.Tcp);
        if (!probed || !ring.owns(self, Catalog.key(service, id))) {
            if (a != null) {
                a.active = false;
                mine.remove(id);
                if (mine.isEmpty()) {
                    byService.remove(service);
                }
            }
            return;
        }
        if (a == null) {
            a = new Assignment(service, id, Catalog.key(service, id), i.registeredAt(), i.check());
            byService.computeIfAbsent(service, s -> new HashMap<>()).put(id, a);
            scheduleWithinInterval(a, now);
        } else if (a.registeredAt != i.registeredAt() || !a.check.equals(i.check())) {
            // A new incarnation or a changed check: earlier results say nothing about it.
            boolean retime = interval(a.check) != interval(i.check());
            a.registeredAt = i.registeredAt();
            a.check = i.check();
            a.state.reset();
            if (retime) {
                scheduleWithinInterval(a, now);
            }
        }
    }

    private void schedule(Assignment a, long at) {
        a.seq++;
        a.due = at;
        queue.add(new Due(at, a, a.seq));
    }

    private void startDue(long now) {
        while (!queue.isEmpty() && queue.peek().at <= now) {
            if (inFlight.get() >= settings.concurrency()) {
                metrics.delayed();
                return;
            }
            Due d = queue.poll();
            Assignment a = d.assignment;
            if (!a.active || a.seq != d.seq) {
                continue;
            }
            long iv = interval(a.check);
            long next = a.due + iv;
            // After a stall (fenced, overloaded), spread the overdue checks out again rather than fire them in step.
            schedule(a, next > now ? next : now + random.nextLong(Math.max(1, iv)));
            if (a.running) {
                continue;
            }
            run(a);
        }
    }

    private void run(Assignment a) {
        a.running = true;
        inFlight.incrementAndGet();
        long started = System.nanoTime();
        Check check = a.check;
        long registeredAt = a.registeredAt;
        String kind = check instanceof Check.Http ? CheckMetrics.KIND_HTTP : CheckMetrics.KIND_TCP;
        CompletableFuture<ProbeResult> f;
        try {
            f = probe.run(check);
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(ProbeResult.critical("probe failed: " + Notes.describe(e)));
        }
        f.whenComplete((r, t) -> {
            long nanos = System.nanoTime() - started;
            inFlight.decrementAndGet();
            ProbeResult result = t != null ? ProbeResult.critical("probe failed: " + Notes.describe(t)) : r;
            metrics.probed(kind, result.status(), nanos);
            onThread(() -> done(a, check, registeredAt, result));
        });
    }

    private void done(Assignment a, Check check, long registeredAt, ProbeResult result) {
        a.running = false;
        if (!a.active || !serving || a.registeredAt != registeredAt || !a.check.equals(check)) {
            return;
        }
        Instance i = catalog.instance(a.service, a.id).orElse(null);
        if (i == null || i.registeredAt() != registeredAt) {
            return;
        }
        boolean fresh = i.status() == check.initialStatus() && i.statusSince() == i.registeredAt();
        Optional<Status> to = a.state.record(result.status(), i.status(), fresh,
                settings.failureThreshold(), settings.successThreshold());
        if (to.isPresent() && a.proposed == null) {
            a.proposed = to.get();
            metrics.transition(to.get());
            batcher.add(new Command.SetStatus(a.service, a.id, registeredAt, to.get(), result.note()), a.key);
        }
    }

    /** Completion of a batch: its instances may propose again (a failed one on its next agreeing result). */
    private void proposed(List<String> keys, Throwable error) {
        if (error != null) {
            LOG.warn("Proposing {} check transition(s) failed; retrying on the next results: {}", keys.size(), error.toString());
        }
        for (String key : keys) {
            int slash = key.indexOf('/');
            Map<String, Assignment> mine = byService.get(key.substring(0, slash));
            Assignment a = mine == null ? null : mine.get(key.substring(slash + 1));
            if (a != null) {
                a.proposed = null;
            }
        }
    }

    private void onThread(Runnable r) {
        if (closed) {
            return;
        }
        try {
            owner.execute(r);
        } catch (RejectedExecutionException e) {
            // Closing: results that arrive now have nowhere to go, and need none.
        }
    }

    private static long interval(Check c) {
        return c instanceof Check.Http h ? h.interval().toMillis() : ((Check.Tcp) c).interval().toMillis();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread != null) {
            thread.shutdownNow();
        }
        try {
            probes.close();
        } catch (Exception e) {
            LOG.debug("Closing probe clients: {}", e.toString());
        }
    }

    /** One instance this member checks. Owned by the scheduler thread. */
    private static final class Assignment {
        final String service;
        final String id;
        final String key;
        final CheckState state = new CheckState();
        long registeredAt;
        Check check;
        long due;
        long seq;
        boolean running;
        boolean active = true;
        Status proposed;

        Assignment(String service, String id, String key, long registeredAt, Check check) {
            this.service = service;
            this.id = id;
            this.key = key;
            this.registeredAt = registeredAt;
            this.check = check;
        }
    }

    /** A queue entry; stale once its assignment is rescheduled or dropped (lazy deletion). */
    private record Due(long at, Assignment assignment, long seq) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            return Long.compare(at, o.at);
        }
    }
}
