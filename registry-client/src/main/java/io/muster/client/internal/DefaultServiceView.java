package io.muster.client.internal;

import io.muster.client.Endpoint;
import io.muster.client.Picker;
import io.muster.client.RetryPolicy;
import io.muster.client.ServiceView;
import io.muster.client.ServiceViewEvent;
import io.muster.client.ServiceViewListener;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A view's blocking-query loop. One query is in flight at a time; each answer (or failure) is handled on the
 * scheduler, which then sends the next query. The loop is the only writer of the view's state, so the state needs
 * no lock: readers get an immutable {@link Snapshot} through a volatile field.
 *
 * <p>Index handling follows Consul's advice for blocking clients: an index that goes backwards (a member that
 * lost or restored state) resets the loop to 0, and an index below 1 is raised to 1 so a broken server cannot turn
 * the loop into a busy poll.
 *
 * <p>Stale reads let a member cut off from its leader keep answering {@code 200} with frozen state. Each answer's
 * {@code X-Muster-Known-Leader} and {@code X-Muster-Last-Contact} say how long the member has been without a
 * leader; past {@code leaderLossBound} the view leaves it for the next member, as it would after an error. Until
 * then it queries such a member with waits no longer than the bound, so the loss is noticed in time.
 *
 * <p>Staleness is the age of the data, not the time since the last answer: data is {@code confirmedAt} the moment
 * its member last heard from the leader, and while a blocking query is parked on a member that had a leader, that
 * member would answer a change at once, so the view is as fresh as the member says it is.
 */
final class DefaultServiceView implements ServiceView {

    private static final Logger log = LoggerFactory.getLogger(DefaultServiceView.class);

    /**
     * Everything readers see, swapped as a whole. {@code lastUpdated} is null until something confirms it;
     * {@code confirmedAt} is when the data was last known current ({@code lastUpdated} less the member's leader lag).
     */
    private record Snapshot(List<Endpoint> endpoints, long index, Instant lastUpdated, Instant confirmedAt,
            long lastContactMs, boolean stale, boolean protectedMode) {
    }

    private final String service;
    private final Set<String> tags;
    private final HttpTransport transport;
    private final ScheduledExecutorService scheduler;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Duration wait;
    private final Duration queryTimeout;
    private final Duration requestTimeout;
    private final Duration leaderLossBound;
    private final double protectThreshold;
    private final Optional<EndpointCache> cache;
    private final Runnable onClosed;
    private final String basePath;
    private final Instant createdAt;
    private final EndpointCircuits circuits;

    private final CopyOnWriteArrayList<ServiceViewListener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Snapshot snapshot;
    private volatile boolean closed;
    private volatile Future<?> pending;
    /** A blocking query is in flight on a member whose last answer had a leader: the data is as fresh as it said. */
    private volatile boolean parkedOnHealthy;

    // Confined to the loop: each step runs after the previous one completed.
    private long nextIndex;
    private boolean answered;
    private int failures;
    private List<Endpoint> persisted;
    /** When each member was first seen without a leader; a member that knows one again is removed. */
    private final Map<URI, Instant> leaderlessSince = new HashMap<>();
    /** The last answering member knew its leader. */
    private boolean lastHealthy;
    /** The last answering member knew no leader (but was within the bound): query it with short waits. */
    private boolean lastLeaderless;
    /** Answers in a row from members cut off past the bound; the next query is a plain read elsewhere. */
    private int cutOffs;

    DefaultServiceView(String service, Set<String> tags, HttpTransport transport, ScheduledExecutorService scheduler,
            ClientConfig config, Runnable onClosed) {
        this.service = service;
        this.tags = Set.copyOf(tags);
        this.transport = transport;
        this.scheduler = scheduler;
        this.retry = config.retryPolicy();
        this.clock = config.clock();
        this.wait = config.blockingWait();
        // The registry adds up to wait/16 of jitter before answering an unchanged result.
        this.queryTimeout = wait.plus(wait.dividedBy(16)).plus(config.requestTimeout());
        this.requestTimeout = config.requestTimeout();
        this.leaderLossBound = config.leaderLossBound();
        this.protectThreshold = config.protectThreshold();
        this.cache = config.cacheDirectory().map(EndpointCache::new);
        this.onClosed = onClosed;
        StringBuilder path = new StringBuilder("/v1/services/").append(service).append("?healthy=true");
        new TreeSet<>(this.tags).forEach(tag -> path.append("&tag=").append(tag));
        this.basePath = path.toString();
        this.createdAt = clock.instant();
        this.circuits = new EndpointCircuits(config.circuitBreaker(), config.ticker());
        this.snapshot = new Snapshot(List.of(), 0, null, null, 0, false, false);
    }

    void start() {
        cache.flatMap(c -> c.load(service, tags)).ifPresent(entry -> {
            snapshot = new Snapshot(entry.endpoints(), 0, entry.savedAt(), entry.savedAt(), 0, true, false);
            persisted = entry.endpoints();
            ready.countDown();
            log.info("View of '{}' starts with {} endpoints from the cache saved at {}", service,
                    entry.endpoints().size(), entry.savedAt());
        });
        scheduleQuery(0);
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public Set<String> tags() {
        return tags;
    }

    @Override
    public List<Endpoint> endpoints() {
        return snapshot.endpoints();
    }

    @Override
    public Optional<Endpoint> pick(Picker picker) {
        return circuits.pick(snapshot.endpoints(), picker);
    }

    @Override
    public void reportFailure(Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        Snapshot s = snapshot;
        if (circuits.failure(endpoint, s.endpoints()) == EndpointCircuits.Change.EJECTED) {
            log.info("View of '{}' skips endpoint {} ({}) after a failed call", service, endpoint.id(), endpoint.hostPort());
            publishLater(ServiceViewEvent.Type.EJECTED, s);
        }
    }

    @Override
    public void reportSuccess(Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        Snapshot s = snapshot;
        if (circuits.success(endpoint) == EndpointCircuits.Change.RESTORED) {
            log.info("View of '{}' takes endpoint {} ({}) back after a successful trial", service, endpoint.id(),
                    endpoint.hostPort());
            publishLater(ServiceViewEvent.Type.RESTORED, s);
        }
    }

    @Override
    public Set<String> ejected() {
        return circuits.ejected(snapshot.endpoints());
    }

    @Override
    public long index() {
        return snapshot.index();
    }

    @Override
    public Optional<Instant> lastUpdated() {
        return Optional.ofNullable(snapshot.lastUpdated());
    }

    @Override
    public Duration staleness() {
        Snapshot s = snapshot;
        if (parkedOnHealthy && !s.stale()) {
            return Duration.ofMillis(s.lastContactMs());
        }
        Instant since = s.confirmedAt() != null ? s.confirmedAt() : createdAt;
        Duration age = Duration.between(since, clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    @Override
    public boolean isStale() {
        return snapshot.stale();
    }

    @Override
    public boolean isProtected() {
        return snapshot.protectedMode();
    }

    @Override
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void addListener(ServiceViewListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(ServiceViewListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Future<?> step = pending;
        if (step != null) {
            step.cancel(true);
        }
        onClosed.run();
    }

    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "ServiceView[" + service + (tags.isEmpty() ? "" : " " + new TreeSet<>(tags)) + ", "
                + s.endpoints().size() + " endpoints, index " + s.index() + (s.stale() ? ", stale" : "")
                + (s.protectedMode() ? ", protected" : "") + (closed ? ", closed" : "") + "]";
    }

    private void scheduleQuery(long delayMs) {
        if (closed) {
            return;
        }
        try {
            pending = scheduler.schedule(this::query, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Scheduler is shut down; view of '{}' stops", service);
        }
    }

    private void query() {
        if (closed) {
            return;
        }
        long requested = nextIndex;
        long startedNanos = System.nanoTime();
        // The first query is a plain read: the registry holds a query until the index passes N, so index=0 on a
        // service nobody has registered yet (index 0) would be held for the whole wait, and the view would stay
        // unready (or stale, when started from the cache) until then. So is the first after leaving a cut-off
        // member: the next one's index may differ.
        boolean blocking = answered && cutOffs == 0;
        // A member without a leader is asked again within the bound, not after a whole wait.
        Duration thisWait = lastLeaderless && leaderLossBound.compareTo(wait) < 0 ? leaderLossBound : wait;
        HttpTransport.Request request = !blocking
                ? HttpTransport.Request.get(basePath + "&consistency=stale", requestTimeout)
                : HttpTransport.Request.get(basePath + "&index=" + requested + "&wait=" + GoDurations.format(thisWait)
                        + "&consistency=stale", thisWait == wait ? queryTimeout
                        : thisWait.plus(thisWait.dividedBy(16)).plus(requestTimeout));
        parkedOnHealthy = blocking && lastHealthy;
        // One round over the members per step: the loop does its own backoff between rounds, forever.
        CompletableFuture<HttpTransport.Response> call = transport.send(request, transport.memberCount());
        pending = call;
        try {
            call.whenCompleteAsync((response, failure) -> onQueryDone(requested, startedNanos, response, failure),
                    scheduler);
        } catch (RejectedExecutionException e) {
            log.debug("Scheduler is shut down; view of '{}' stops", service);
        }
    }

    private void onQueryDone(long requested, long startedNanos, HttpTransport.Response response, Throwable failure) {
        parkedOnHealthy = false;
        if (closed) {
            return;
        }
        try {
            handleQueryResult(requested, startedNanos, response, failure);
        } catch (RuntimeException e) {
            // Nothing else would schedule the next query: an escaped exception would silently freeze the view.
            log.error("Unexpected failure in the view of '{}'; retrying", service, e);
            onFailure(e);
        }
    }

    private void handleQueryResult(long requested, long startedNanos, HttpTransport.Response response,
            Throwable failure) {
        WireFormat.ServiceAnswer answer;
        try {
            if (failure != null) {
                onFailure(HttpTransport.unwrap(failure));
                return;
            }
            answer = WireFormat.parseServiceAnswer(service, response);
        } catch (WireFormat.BadAnswerException e) {
            transport.demote(response.member());
            onFailure(new WireFormat.BadAnswerException(response.member() + ": " + e.getMessage(), e));
            return;
        }
        Instant now = clock.instant();
        long lossMs = leaderLossMs(response.member(), answer, now);
        if (lossMs > leaderLossBound.toMillis()) {
            onCutOff(response.member(), answer, lossMs, now);
            return;
        }
        cutOffs = 0;
        lastHealthy = answer.knownLeader();
        lastLeaderless = !answer.knownLeader();
        onAnswer(requested, answer, now, lossMs);
        long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
        // A server that answers an unchanged index at once is ignoring the wait; do not spin on it.
        boolean early = requested > 0 && answer.index() == requested && !lastLeaderless
                && elapsedMs < wait.toMillis() / 2;
        scheduleQuery(early ? retry.baseDelay().toMillis() : 0);
    }

    /**
     * How long {@code member} has been without its leader: its own {@code Last-Contact}, or, while it says it knows
     * no leader, the time since it first said so (a deposed leader may still report 0).
     */
    private long leaderLossMs(URI member, WireFormat.ServiceAnswer answer, Instant now) {
        if (answer.knownLeader()) {
            leaderlessSince.remove(member);
            return answer.lastContactMs();
        }
        Instant since = leaderlessSince.computeIfAbsent(member, m -> now.minusMillis(answer.lastContactMs()));
        return Math.max(answer.lastContactMs(), Math.max(0, Duration.between(since, now).toMillis()));
    }

    /**
     * An answer from a member cut off from its leader for longer than the bound: not a usable answer. The view
     * keeps what it has (or takes this, if it has nothing yet), says it is stale, and moves to the next member at
     * once, backing off only after a whole round of members answered the same way.
     */
    private void onCutOff(URI member, WireFormat.ServiceAnswer answer, long lossMs, Instant now) {
        transport.demote(member);
        cutOffs++;
        lastHealthy = false;
        lastLeaderless = false;
        Snapshot before = snapshot;
        boolean take = !answered;
        answered = true;
        if (take) {
            nextIndex = Math.max(answer.index(), 1);
        }
        Snapshot after = take
                ? new Snapshot(answer.endpoints(), answer.index(), now, now.minusMillis(lossMs), lossMs, true, false)
                : new Snapshot(before.endpoints(), before.index(), before.lastUpdated(), before.confirmedAt(),
                        before.lastContactMs(), true, before.protectedMode());
        snapshot = after;
        if (!before.stale()) {
            log.warn("View of '{}': member {} has been without a leader for {} ms (bound {}); serving its last {} "
                    + "endpoints and moving to another member", service, member, lossMs, leaderLossBound,
                    after.endpoints().size());
            publish(ServiceViewEvent.Type.STALE, before, after);
        } else {
            log.debug("View of '{}': member {} still without a leader ({} ms)", service, member, lossMs);
        }
        ready.countDown();
        int rounds = cutOffs - transport.memberCount();
        scheduleQuery(rounds < 0 ? 0 : retry.backoff(rounds, ThreadLocalRandom.current()).toMillis());
    }

    private void onAnswer(long requested, WireFormat.ServiceAnswer answer, Instant now, long lossMs) {
        answered = true;
        if (answer.index() < requested) {
            log.info("Index of '{}' went backwards ({} -> {}); starting over from 0", service, requested, answer.index());
            nextIndex = 0;
        } else {
            nextIndex = Math.max(answer.index(), 1);
        }
        Snapshot before = snapshot;
        Instant confirmed = now.minusMillis(lossMs);
        List<Endpoint> offered = before.endpoints();
        List<Endpoint> told = answer.endpoints();
        if (failures > 0) {
            log.info("View of '{}' reaches the registry again after {} failed attempts", service, failures);
        }
        failures = 0;
        boolean suspicious = !offered.isEmpty()
                && (told.isEmpty() || told.size() < protectThreshold * offered.size());
        if (suspicious) {
            Snapshot after = new Snapshot(offered, answer.index(), now, confirmed, lossMs, false, true);
            snapshot = after;
            if (!before.protectedMode()) {
                log.warn("Registry reports {} healthy endpoints of '{}' where there were {}; keeping the last {} "
                        + "(protect threshold {})", told.size(), service, offered.size(), offered.size(),
                        protectThreshold);
                publish(ServiceViewEvent.Type.PROTECTED, before, after);
            } else if (before.stale()) {
                publish(ServiceViewEvent.Type.PROTECTED, before, after);
            }
            ready.countDown();
            return;
        }
        Snapshot after = new Snapshot(told, answer.index(), now, confirmed, lossMs, false, false);
        snapshot = after;
        circuits.retain(told);
        if (before.protectedMode()) {
            log.info("View of '{}' leaves protection: registry reports {} healthy endpoints", service, told.size());
        }
        if (!told.equals(offered)) {
            persist(told, answer.index(), now);
            publish(ServiceViewEvent.Type.UPDATED, before, after);
        } else {
            if (persisted == null || !persisted.equals(told)) {
                persist(told, answer.index(), now);
            }
            if (before.stale() || before.protectedMode()) {
                publish(ServiceViewEvent.Type.RECOVERED, before, after);
            }
        }
        // After the listeners: whoever awaited readiness and then adds a listener must not hear the first state.
        ready.countDown();
    }

    private void onFailure(Throwable problem) {
        failures++;
        Snapshot before = snapshot;
        if (!before.stale()) {
            log.warn("View of '{}' has no usable answer from the registry; serving its last {} endpoints and retrying: {}",
                    service, before.endpoints().size(), problem.toString());
            Snapshot after = new Snapshot(before.endpoints(), before.index(), before.lastUpdated(),
                    before.confirmedAt(), before.lastContactMs(), true, before.protectedMode());
            snapshot = after;
            publish(ServiceViewEvent.Type.STALE, before, after);
        } else {
            log.debug("View of '{}' failed again ({}): {}", service, failures, problem.toString());
        }
        scheduleQuery(retry.backoff(failures - 1, ThreadLocalRandom.current()).toMillis());
    }

    private void persist(List<Endpoint> endpoints, long index, Instant now) {
        if (cache.isPresent()) {
            cache.get().store(service, tags, endpoints, index, now);
            persisted = endpoints;
        }
    }

    /** Reports arrive on the application's threads; listeners run on the client's. */
    private void publishLater(ServiceViewEvent.Type type, Snapshot s) {
        try {
            scheduler.execute(() -> publish(type, s, s));
        } catch (RejectedExecutionException e) {
            log.debug("Scheduler is shut down; {} of '{}' not told", type, service);
        }
    }

    private void publish(ServiceViewEvent.Type type, Snapshot before, Snapshot after) {
        ServiceViewEvent event = new ServiceViewEvent(type, service, after.endpoints(), before.endpoints(),
                after.index(), after.protectedMode(), after.stale(), Optional.ofNullable(after.lastUpdated()),
                circuits.ejected(after.endpoints()));
        for (ServiceViewListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("Listener {} of view '{}' threw on {}", listener, service, type, e);
            }
        }
    }
}
