package io.muster.server.write;

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
 * @param <T> what is queued
 * @param <R> the answer for one item
 */
public final class BatchingQueue<T, R> {
    private record Pending<T, R>(T item, CompletableFuture<R> result) {
    }

    private final Function<List<T>, CompletableFuture<List<R>>> sender;
    private final int maxBatch;
    private final int maxInFlight;
    private final ArrayDeque<Pending<T, R>> queue = new ArrayDeque<>();
    private int inFlight;

    /** {@code sender} sends one batch and completes with one answer per item, in order. */
    public BatchingQueue(int maxBatch, int maxInFlight, Function<List<T>, CompletableFuture<List<R>>> sender) {
        this.sender = sender;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
    }

    public CompletableFuture<R> submit(T item) {
        CompletableFuture<R> f = new CompletableFuture<>();
        synchronized (this) {
            queue.add(new Pending<>(item, f));
        }
        drain();
        return f;
    }

    private void drain() {
        while (true) {
            List<Pending<T, R>> batch;
            synchronized (this) {
                if (inFlight >= maxInFlight || queue.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
                while (batch.size() < maxBatch && !queue.isEmpty()) {
                    batch.add(queue.poll());
                }
                inFlight++;
            }
            send(batch);
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
