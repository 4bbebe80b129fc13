package io.muster.server.write;

import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import io.muster.store.raft.NoLeaderException;
import io.muster.store.raft.RaftNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends every member's writes through the leader's {@link WriteBatcher}, so that concurrent writes arriving at
 * different members share one Raft entry. On the leader a write goes straight to the batcher; a follower collects its
 * writes and forwards them in one leader-bound query per round trip (as heartbeats are forwarded), then answers each
 * once the entry that carried it is applied here too, so that a read on this member right after sees it.
 *
 * <p>A forwarded query has no Raft retry cache behind it: it is resent only when the leader provably did not run it
 * ({@link RaftNode#askLeaderOnce(byte, byte[])}); any other failure answers {@code no_leader} and the client decides.
 */
public final class WriteRouter implements Writes {
    private static final byte KIND = 'W';
    private static final int MAX_BATCH = 512;
    /**
     * Forwarded batches a follower has on their way at once. A slot is held until the leader answers and the entry is
     * applied here, i.e. for about two commits; with 2 slots a follower's writes queued behind them. Warm three-member
     * clusters did ~1.17k registrations/s at 8 against ~0.93k at 2 (docs/benchmarks.md, "Fourth pass"); where the CPU
     * is starved (cold JITs) more, smaller forwards cost a little more.
     */
    private static final int MAX_IN_FLIGHT = 8;
    private static final int ANSWER_BYTES = 9;

    private final RaftNode node;
    private final WriteBatcher batcher;
    private final BatchingQueue<Command, Result> forwards;

    public WriteRouter(RaftNode node, WriteBatcher batcher) {
        this.node = node;
        this.batcher = batcher;
        this.forwards = new BatchingQueue<>(MAX_BATCH, MAX_IN_FLIGHT, RaftNode.WRITE_DEADLINE, this::forward);
    }

    /** Whether a leader-bound query is a forwarded write batch (the other kinds belong to other routers). */
    public static boolean isForwardedWrite(byte[] body) {
        return body.length > 0 && body[0] == KIND;
    }

    @Override
    public CompletableFuture<Result> submit(Command command) {
        if (node.isLeader()) {
            return batcher.submit(command);
        }
        return forwards.submit(command);
    }

    private CompletableFuture<List<Result>> forward(List<Command> commands) {
        return node.askLeaderOnce(KIND, EntryCodec.encode(new Entry(0, commands))).thenCompose(answer -> {
            List<Result> results = decode(answer, commands.size());
            long last = results.stream().mapToLong(Result::index).max().orElse(0);
            return node.applied(last).thenApply(ignored -> results);
        });
    }

    private static List<Result> decode(byte[] answer, int expected) {
        if (answer.length != expected * ANSWER_BYTES) {
            throw new NoLeaderException("the leader answered a forwarded write batch with " + answer.length + " bytes", null);
        }
        ByteBuffer in = ByteBuffer.wrap(answer);
        Result.Code[] codes = Result.Code.values();
        List<Result> results = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            int code = in.get();
            long index = in.getLong();
            if (code < 0 || code >= codes.length) {
                throw new NoLeaderException("the leader could not commit a forwarded write batch", null);
            }
            results.add(new Result(codes[code], index));
        }
        return results;
    }

    /** Serves a batch forwarded by a follower: into this member's batcher, answered once committed and applied. */
    public CompletableFuture<byte[]> serveForwarded(byte[] body) {
        Entry entry;
        try {
            entry = EntryCodec.decode(java.util.Arrays.copyOfRange(body, 1, body.length));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("malformed forwarded writes", e));
        }
        List<CompletableFuture<Result>> results = entry.commands().stream().map(batcher::submit).toList();
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ByteBuffer out = ByteBuffer.allocate(results.size() * ANSWER_BYTES);
            for (CompletableFuture<Result> r : results) {
                Result result = r.join();
                out.put((byte) result.code().ordinal()).putLong(result.index());
            }
            return out.array();
        });
    }
}
