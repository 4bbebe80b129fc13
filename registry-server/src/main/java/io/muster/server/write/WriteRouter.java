package io.muster.server.write;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.message.ForwardedWrites;
import io.muster.store.message.MessageKind;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.MemberChannel;
import io.muster.store.raft.NoLeaderException;
import io.muster.store.raft.Proposals;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every member's writes through the leader's {@link WriteBatcher}, so that concurrent writes arriving at
 * different members share one Raft entry. On the leader a write goes straight to the batcher; a follower collects its
 * writes and forwards them ({@link MessageKind#FORWARDED_WRITES}) in one leader-bound query per round trip (as
 * heartbeats are forwarded), then answers each once the entry that carried it is applied here too, so that a read on
 * this member right after sees it.
 *
 * <p>A forwarded query has no Raft retry cache behind it: it is resent only when the leader provably did not run it
 * ({@link MemberChannel#askLeaderOnce}); a forward that got no answer reports its outcome as unknown, never
 * {@code no_leader}. Each forward carries a deadline ({@link #FORWARD_BUDGET} after it leaves): a leader that
 * receives it later (it sat in a partition's buffers) refuses it, so a write whose client was told it failed cannot
 * come back as a zombie after the heal.
 */
public final class WriteRouter implements Writes {
    private static final Logger LOG = LoggerFactory.getLogger(WriteRouter.class);
    private static final int MAX_BATCH = 512;
    /**
     * Forwarded batches a follower has on their way at once. A slot is held until the leader answers and the entry is
     * applied here, i.e. for about two commits; with 2 slots a follower's writes queued behind them. Warm three-member
     * clusters did ~1.17k registrations/s at 8 against ~0.93k at 2 (docs/benchmarks.md, "Fourth pass"); where the CPU
     * is starved (cold JITs) more, smaller forwards cost a little more.
     */
    private static final int MAX_IN_FLIGHT = 8;
    /**
     * How long after leaving a follower a forward may still start on the leader: inside the 3 s after which the
     * follower's Raft client gives up on an unanswered request (and the write answers "outcome unknown"), so what
     * reaches the leader after the follower gave up never starts. Clock skew between members eats into it.
     */
    static final Duration FORWARD_BUDGET = Duration.ofSeconds(2);

    private final Leadership leadership;
    private final MemberChannel channel;
    private final Proposals proposals;
    private final WriteBatcher batcher;
    private final Clock clock;
    private final BatchingQueue<Command, Result> forwards;
    private final Counter refusedLate;

    public WriteRouter(Leadership leadership, MemberChannel channel, Proposals proposals, WriteBatcher batcher, Clock clock, MeterRegistry meters) {
        this.refusedLate = Counter.builder("muster_forwarded_writes_refused_late")
                .description("forwarded writes the leader refused because they arrived after their deadline")
                .register(meters);
        this.leadership = leadership;
        this.channel = channel;
        this.proposals = proposals;
        this.batcher = batcher;
        this.clock = clock;
        this.forwards = new BatchingQueue<>(MAX_BATCH, MAX_IN_FLIGHT, Proposals.WRITE_DEADLINE, this::forward);
    }

    @Override
    public CompletableFuture<Result> submit(Command command) {
        if (leadership.isLeader()) {
            return batcher.submit(command);
        }
        if (leadership.leaderId().isEmpty()) {
            // Not applied, and nowhere to send it: say so at once (design rule 12) rather than queue it.
            return CompletableFuture.failedFuture(new NoLeaderException("this member knows no leader", null));
        }
        return forwards.submit(command);
    }

    private CompletableFuture<List<Result>> forward(List<Command> commands) {
        long notAfter = clock.millis() + FORWARD_BUDGET.toMillis();
        byte[] payload = ForwardedWrites.encode(new ForwardedWrites.Request(notAfter, commands));
        return channel.askLeaderOnce(MessageKind.FORWARDED_WRITES, payload).thenCompose(answer -> {
            List<Result> results;
            try {
                results = ForwardedWrites.decodeAnswer(answer, commands.size());
            } catch (IllegalArgumentException e) {
                throw new NoLeaderException("the leader's answer to forwarded writes: " + e.getMessage(), e);
            }
            long last = results.stream().mapToLong(Result::index).max().orElse(0);
            return proposals.applied(last).thenApply(ignored -> results);
        });
    }

    /**
     * Serves a batch forwarded by a follower: into this member's batcher, answered once committed and applied. A
     * malformed batch, or one past its deadline, is refused whole (nothing of it runs).
     */
    public CompletableFuture<byte[]> serveForwarded(byte[] payload) {
        ForwardedWrites.Request request;
        try {
            request = ForwardedWrites.decode(payload);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage(), e));
        }
        long late = clock.millis() - request.notAfterMillis();
        if (late > 0) {
            refusedLate.increment(request.commands().size());
            LOG.warn("Refused {} forwarded write(s) that arrived {} ms after their deadline (held up in the network?)",
                    request.commands().size(), late);
            return CompletableFuture.failedFuture(new IllegalArgumentException("forwarded writes arrived " + late
                    + " ms after their deadline; not applied"));
        }
        List<CompletableFuture<Result>> results = request.commands().stream().map(batcher::submit).toList();
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> ForwardedWrites.encodeAnswer(results.stream().map(CompletableFuture::join).toList()));
    }
}
