package io.muster.server.check;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One probe in flight: its result, which the first of answer, error or deadline settles, and the resource to
 * let go of once it is settled (a request to reset, a socket to close), whichever thread gets there first.
 * Vert.x runs a probe's callbacks and its deadline timer on event-loop threads that need not be the same one.
 */
final class Attempt {
    private static final Runnable DONE = () -> { };
    final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    private final Vertx vertx;
    private final long timer;
    private final AtomicReference<Runnable> release = new AtomicReference<>();

    Attempt(Vertx vertx, Duration timeout, String what) {
        this.vertx = vertx;
        this.timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
                id -> finish(ProbeResult.critical(what + " timed out after " + io.muster.store.model.GoDuration.format(timeout))));
    }

    boolean done() {
        return result.isDone();
    }

    /** Settles the probe once; later calls are ignored. Releases whatever is held, now or when it is handed over. */
    void finish(ProbeResult r) {
        if (result.complete(r)) {
            vertx.cancelTimer(timer);
            Runnable held = release.getAndSet(DONE);
            if (held != null && held != DONE) {
                held.run();
            }
        }
    }

    /** Hands over what to release when the probe settles; runs it at once if it already has. */
    void hold(Runnable r) {
        Runnable prev = release.getAndUpdate(cur -> cur == DONE ? DONE : r);
        if (prev == DONE) {
            r.run();
        }
    }

    /** Nothing is held any more (a response was read to its end and its connection closes by itself). */
    void letGo() {
        release.getAndUpdate(cur -> cur == DONE ? DONE : null);
    }
}
