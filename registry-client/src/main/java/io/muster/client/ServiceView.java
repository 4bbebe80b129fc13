package io.muster.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A live local copy of one service's healthy endpoints, kept current in the background by blocking queries
 * against the registry (stale reads, so any member can answer).
 *
 * <p><b>Staleness.</b> Reads never touch the network: they answer from memory, and keep answering with the last
 * known endpoints while the registry is unreachable or answers nonsense. {@link #isStale()} says whether that is
 * the case, {@link #lastUpdated()} when the registry last confirmed the list, and {@link #staleness()} how old
 * the list may be. A view created with a cache directory starts with the endpoints persisted by an earlier run and
 * is stale until the registry answers.
 *
 * <p><b>Protection.</b> A view that had endpoints and is told there are none (or fewer than the client's protect
 * threshold) keeps the ones it had and reports {@link #isProtected()}: a registry losing every heartbeat at once
 * is more likely than every instance dying at once. The price is that a service scaled to zero on purpose stays
 * visible until an instance registers again.
 *
 * <p><b>Circuit breaking.</b> The application reports how its calls to an endpoint went
 * ({@link #reportFailure(Endpoint)}, {@link #reportSuccess(Endpoint)}); {@link #pick(Picker)} then skips a failing
 * endpoint for a growing backoff and lets one trial call through before taking it back, as the client's
 * {@link CircuitBreakerPolicy} says. {@link #endpoints()} still lists every endpoint the registry offers;
 * {@link #ejected()} names those {@code pick} skips now.
 *
 * <p><b>Thread-safety.</b> All methods are thread-safe. Each getter reads one consistent snapshot, but two
 * getters called in a row may see different snapshots; a {@link ServiceViewEvent} carries a consistent set.
 */
public interface ServiceView extends AutoCloseable {

    String service();

    /** The tags every endpoint of this view carries; empty for all healthy instances. */
    Set<String> tags();

    /** The endpoints on offer, sorted by id; empty before the first answer, or if the service has none. */
    List<Endpoint> endpoints();

    /**
     * {@code picker}'s choice among {@link #endpoints()} less the {@link #ejected()} ones (all of them, should every
     * endpoint be out); empty when there are none. Choosing an endpoint whose backoff has passed makes this call its
     * one trial: report how it went.
     */
    Optional<Endpoint> pick(Picker picker);

    /**
     * Reports that a call to {@code endpoint} failed: unless too many endpoints are out already (the policy's
     * share, and never all), pickers skip it for the policy's backoff, doubled after each failed trial. A failure
     * of a call made before the endpoint went out changes nothing. Listeners hear {@code EJECTED}.
     */
    void reportFailure(Endpoint endpoint);

    /** Reports that a call to {@code endpoint} succeeded: a trial that succeeds brings it back ({@code RESTORED}). */
    void reportSuccess(Endpoint endpoint);

    /** Ids of the endpoints {@link #pick(Picker)} skips now because calls to them failed; sorted. */
    Set<String> ejected();

    /** The registry index of the latest answer, 0 before any. */
    long index();

    /** When the registry last confirmed this view's state (or, for a view loaded from the cache, when it was saved). */
    Optional<Instant> lastUpdated();

    /**
     * How old the endpoints may be: the time since the data was last known current, which is the last answer less
     * how long its member had gone without hearing from its leader. While a blocking query is parked on a member
     * that knows its leader, that member's reported lag (zero on the leader): a quiet registry is not a stale one.
     * Measured from the view's creation when nothing was ever confirmed.
     */
    Duration staleness();

    /** {@code true} while no member answers usefully, and for endpoints loaded from the cache until the registry answers. */
    boolean isStale();

    /** {@code true} while the view holds on to earlier endpoints against a suspiciously small answer. */
    boolean isProtected();

    /**
     * Waits until the view has something to serve: a first answer from the registry, or endpoints from the cache.
     *
     * @return {@code false} if the timeout passed first
     */
    boolean awaitReady(Duration timeout) throws InterruptedException;

    /** Adds a listener for later changes; it is not called for the current state. */
    void addListener(ServiceViewListener listener);

    void removeListener(ServiceViewListener listener);

    /** Stops the view's background query; the view keeps answering with its last state. Idempotent. */
    @Override
    void close();
}
