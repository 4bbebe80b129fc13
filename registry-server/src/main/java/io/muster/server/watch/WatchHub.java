package io.muster.server.watch;

import io.muster.store.catalog.CatalogChange;
import io.muster.store.catalog.CatalogListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parks blocking queries until the services they watch change (design rule 10). A waiter costs one map entry
 * and one timer; a change wakes exactly the waiters of the services it touched, plus the catalog-wide ones.
 * Heartbeat renewals never reach here: they change no service.
 */
public final class WatchHub implements CatalogListener {
    /** Key under which waiters for any change (GET /v1/services) park. */
    public static final String ANY = "";

    private final Vertx vertx;
    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    private final class Waiter {
        final String key;
        final Context context;
        final Promise<Void> promise = Promise.promise();
        long timerId = -1;

        Waiter(String key, Context context) {
            this.key = key;
            this.context = context;
        }

        void fire() {
            if (remove()) {
                context.runOnContext(v -> {
                    if (timerId >= 0) {
                        vertx.cancelTimer(timerId);
                    }
                    promise.tryComplete();
                });
            }
        }

        /** Leaves the hub; the key goes with its last waiter, so made-up service names leave nothing behind. */
        boolean remove() {
            boolean[] removed = new boolean[1];
            waiters.computeIfPresent(key, (k, set) -> {
                removed[0] = set.remove(this);
                return set.isEmpty() ? null : set;
            });
            if (removed[0]) {
                count.decrementAndGet();
            }
            return removed[0];
        }
    }

    public WatchHub(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Completes when {@code service} (or anything, for {@link #ANY}) changes, or after {@code wait} plus up to
     * 1/16 of it as jitter, so that many clients woken together do not all come back at the same instant.
     * Call on a Vert.x context; completion happens on that context.
     */
    public Future<Void> await(String service, Duration wait, Context context) {
        return park(service, wait, context).future();
    }

    /** A parked query: its completion, and a way to give it up (the client went away, or it is not needed). */
    public interface Parked {
        Future<Void> future();

        /** Unparks without answering: frees the waiter and its timer now rather than at the end of the wait. */
        void cancel();
    }

    /** As {@link #await}, with a handle to cancel the wait. */
    public Parked park(String service, Duration wait, Context context) {
        Waiter w = new Waiter(service, context);
        // compute, not computeIfAbsent + add: a set emptied and dropped by remove() must not take a waiter with it.
        waiters.compute(service, (k, set) -> {
            Set<Waiter> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(w);
            return s;
        });
        count.incrementAndGet();
        long ms = Math.max(1, wait.toMillis());
        long jitter = ms >= 16 ? ThreadLocalRandom.current().nextLong(ms / 16 + 1) : 0;
        w.timerId = vertx.setTimer(ms + jitter, id -> {
            if (w.remove()) {
                w.promise.tryComplete();
            }
        });
        return new Parked() {
            @Override
            public Future<Void> future() {
                return w.promise.future();
            }

            @Override
            public void cancel() {
                if (w.remove()) {
                    vertx.cancelTimer(w.timerId);
                    w.promise.tryComplete();
                }
            }
        };
    }

    /** Keys (services, or {@link #ANY}) with at least one waiter. */
    public int keys() {
        return waiters.size();
    }

    /** Waiters parked right now. */
    public int waiting() {
        return count.get();
    }

    @Override
    public void changed(CatalogChange change) {
        for (String s : change.services()) {
            wake(s);
        }
        wake(ANY);
    }

    private void wake(String key) {
        Set<Waiter> set = waiters.get(key);
        if (set == null || set.isEmpty()) {
            return;
        }
        for (Waiter w : set.toArray(new Waiter[0])) {
            w.fire();
        }
    }
}
