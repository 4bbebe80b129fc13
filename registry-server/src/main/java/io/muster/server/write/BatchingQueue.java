package io.muster.server.write;

import io.muster.store.raft.NoLeaderException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Turns many concurrent requests into few round trips. An item is sent at once while fewer than {@code maxInFlight}
 * batches are on their way; otherwise it waits, and everything that waited leaves together (up to {@code maxBatch})
 * when a slot frees. Light load keeps one round trip of latency; heavy load fills batches by itself, with no timer
 * to tune. Used for write entries, forwarded writes and forwarded heartbeats.
 *
 * <p>While nothing can be sent (no leader), the queue is bounded twice: at most {@code MAX_QUEUED} items wait, and an
 * item that waited longer than the deadline fails instead of being sent late, after its client has given up.
 *
 * @param <T> what is queued
 * @param <R> the answer for one item
 */
public final class BatchingQueue<T, R> {
    private record Pending<T, R>(T item, CompletableFuture<R> result, long queuedAt) {
    }

    static final int MAX_QUEUED = 50_000;

    private final Function<List<T>, CompletableFuture<List<R>>> sender;
    private final int maxBatch;
    private final int maxInFlight;
    private final long maxWaitNanos;
    private final ArrayDeque<Pending<T, R>> queue = new ArrayDeque<>();
    private int inFlight;

    /**
     * {@code sender} sends one batch and completes with one answer per item, in order; an item not sent within
     * {@code maxWait} fails with {@link NoLeaderException}.
     */
    public BatchingQueue(int maxBatch, int maxInFlight, Duration maxWait, Function<List<T>, CompletableFuture<List<R>>> sender) {
        this.sender = sender;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.maxWaitNanos = maxWait.toNanos();
    }

    public CompletableFuture<R> submit(T item) {
        CompletableFuture<R> f = new CompletableFuture<>();
        synchronized (this) {
            if (queue.size() >= MAX_QUEUED) {
                return CompletableFuture.failedFuture(new NoLeaderException(queue.size() + " requests are already waiting for the leader", null));
            }
            queue.add(new Pending<>(item, f, System.nanoTime()));
        }
        drain();
        return f;
    }

    private void drain() {
        while (true) {
            List<Pending<T, R>> batch;
            List<Pending<T, R>> expired = new ArrayList<>();
            synchronized (this) {
                if (inFlight >= maxInFlight || queue.isEmpty()) {
                    return;
                }
                long now = System.nanoTime();
                batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
                while (batch.size() < maxBatch && !queue.isEmpty()) {
                    Pending<T, R> p = queue.poll();
                    (now - p.queuedAt() > maxWaitNanos ? expired : batch).add(p);
                }
                if (!batch.isEmpty()) {
                    inFlight++;
                }
            }
            expired.forEach(p -> p.result().completeExceptionally(new NoLeaderException(
                    "waited " + Duration.ofNanos(maxWaitNanos).toSeconds() + "s without being sent to a leader", null)));
            if (!batch.isEmpty()) {
                send(batch);
            }
        }
    }

    private void send(List<Pending<T, R>> batch) {
        CompletableFuture<List<R>> sent;
        try {
            sent = sender.apply(batch.stream().map(Pending::item).toList());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((answers, error) -> {
            synchronized (this) {
                inFlight--;
            }
            for (int i = 0; i < batch.size(); i++) {
                CompletableFuture<R> f = batch.get(i).result();
                if (error != null) {
                    f.completeExceptionally(error);
                } else if (answers == null || answers.size() != batch.size()) {
                    f.completeExceptionally(new IllegalStateException("a batch of " + batch.size() + " got "
                            + (answers == null ? "no" : answers.size()) + " answers"));
                } else {
                    f.complete(answers.get(i));
                }
            }
            drain();
        });
    }
}
