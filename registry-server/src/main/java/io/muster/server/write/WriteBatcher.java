package io.muster.server.write;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.raft.Proposals;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns many concurrent writes into few Raft entries: at most {@code maxInFlight} entries on their way, and
 * everything that arrives meanwhile leaves as one entry when a slot frees (see {@link BatchingQueue}).
 */
public final class WriteBatcher {
    private final Proposals proposals;
    private final Timer commitLatency;
    private final DistributionSummary batchSize;
    private final BatchingQueue<Command, Result> queue;

    public WriteBatcher(Proposals proposals, int maxBatch, int maxInFlight, MeterRegistry meters) {
        this.proposals = proposals;
        this.commitLatency = Timer.builder("muster_raft_commit_latency")
                .description("from proposing a write entry to it being committed and applied here")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.batchSize = DistributionSummary.builder("muster_write_batch_size")
                .description("commands carried by one write entry")
                .register(meters);
        this.queue = new BatchingQueue<>(maxBatch, maxInFlight, Proposals.WRITE_DEADLINE, this::propose);
    }

    /** Completes with the command's outcome and the index of the entry that carried it. */
    public CompletableFuture<Result> submit(Command command) {
        return queue.submit(command);
    }

    private CompletableFuture<List<Result>> propose(List<Command> commands) {
        batchSize.record(commands.size());
        long start = System.nanoTime();
        return proposals.submit(commands).thenApply(committed -> {
            commitLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            List<Result> results = new ArrayList<>(commands.size());
            for (Result.Code code : committed.codes()) {
                results.add(new Result(code, committed.index()));
            }
            return results;
        });
    }
}
