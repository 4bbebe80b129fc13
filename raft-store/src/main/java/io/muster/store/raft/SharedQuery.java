package io.muster.store.raft;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs one query at a time for any number of callers. A caller that arrives while a query is in flight joins the
 * <em>next</em> one, which starts when the current one ends: the current query may have been sent before the caller
 * arrived, and its answer would then not be as fresh as the caller needs (a default read must see the leader's
 * state as of its arrival). A burst of N reads thus costs at most two leader round trips, not N requests queued in
 * the Raft client.
 */
final class SharedQuery<T> {
    private final Supplier<CompletableFuture<T>> query;
    private CompletableFuture<T> running;
    private CompletableFuture<T> next;

    SharedQuery(Supplier<CompletableFuture<T>> query) {
        this.query = query;
    }

    CompletableFuture<T> get() {
        CompletableFuture<T> start;
        synchronized (this) {
            if (running != null) {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                return next;
            }
            start = new CompletableFuture<>();
            running = start;
        }
        run(start);
        return start;
    }

    private void run(CompletableFuture<T> result) {
        CompletableFuture<T> f;
        try {
            f = query.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((value, error) -> {
            CompletableFuture<T> following;
            synchronized (this) {
                following = next;
                next = null;
                running = following;
            }
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
            if (following != null) {
                run(following);
            }
        });
    }
}
