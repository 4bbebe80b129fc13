package io.muster.server.write;

import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.raft.RaftNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns many concurrent writes into few Raft entries. A command is sent at once when fewer than
 * {@code maxInFlight} entries are on their way; otherwise it waits, and everything that waited goes out as one
 * entry when a slot frees up. Light load keeps one round trip of latency; heavy load fills batches by itself,
 * with no timer to tune.
 */
public final class WriteBatcher {
    private record Pending(Command command, CompletableFuture<Result> result) {
    }

    private final RaftNode node;
    private final io.micrometer.core.instrument.Timer commitLatency;
    private final io.micrometer.core.instrument.DistributionSummary batchSize;
    private final int maxBatch;
    private final int maxInFlight;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;

    public WriteBatcher(RaftNode node, int maxBatch, int maxInFlight, io.micrometer.core.instrument.MeterRegistry meters) {
        this.node = node;
        this.commitLatency = io.micrometer.core.instrument.Timer.builder("muster_raft_commit_latency")
                .description("from proposing a write entry to it being committed and applied here")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.batchSize = io.micrometer.core.instrument.DistributionSummary.builder("muster_write_batch_size")
                .description("commands carried by one write entry")
                .register(meters);
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
    }

    /** Completes with the command's outcome and the index of the entry that carried it. */
    public CompletableFuture<Result> submit(Command command) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        synchronized (this) {
            queue.add(new Pending(command, f));
        }
        drain();
        return f;
    }

    private void drain() {
        while (true) {
            List<Pending> batch;
            synchronized (this) {
                if (inFlight >= maxInFlight || queue.isEmpty()) {
                    return;
                }
                int n = Math.min(maxBatch, queue.size());
                batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(queue.poll());
                }
                inFlight++;
            }
            send(batch);
        }
    }

    private void send(List<Pending> batch) {
        List<Command> commands = batch.stream().map(Pending::command).toList();
        batchSize.record(commands.size());
        long start = System.nanoTime();
        node.submit(commands).whenComplete((committed, error) -> {
            if (error == null) {
                commitLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            synchronized (this) {
                inFlight--;
            }
            for (int i = 0; i < batch.size(); i++) {
                if (error != null) {
                    batch.get(i).result().completeExceptionally(error);
                } else {
                    batch.get(i).result().complete(new Result(committed.codes().get(i), committed.index()));
                }
            }
            drain();
        });
    }
}
