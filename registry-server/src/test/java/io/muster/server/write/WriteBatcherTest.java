package io.muster.server.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.raft.Committed;
import io.muster.store.raft.OutcomeUnknownException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The write batcher through {@link io.muster.store.raft.Proposals}: which commands share an entry, and what each learns. */
class WriteBatcherTest {
    private final FakeRaft raft = new FakeRaft("n1").leading();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WriteBatcher batcher = new WriteBatcher(raft, 3, 1, meters);

    private static Command write(String id) {
        return new Command.Deregister("web", id, 0, null);
    }

    @Test
    void writesArrivingWhileAnEntryIsOnItsWayShareTheNextOne() {
        CompletableFuture<Result> a = batcher.submit(write("a"));
        CompletableFuture<Result> b = batcher.submit(write("b"));
        CompletableFuture<Result> c = batcher.submit(write("c"));
        assertEquals(1, raft.proposals.size(), "one entry in flight at most");
        assertEquals(List.of(write("a")), raft.proposals.get(0).commands());

        raft.proposals.get(0).result().complete(new Committed(5, List.of(Result.Code.OK)));
        assertEquals(new Result(Result.Code.OK, 5), a.join());
        assertEquals(2, raft.proposals.size());
        assertEquals(List.of(write("b"), write("c")), raft.proposals.get(1).commands());
        assertFalse(b.isDone() || c.isDone());

        raft.proposals.get(1).result().complete(new Committed(6, List.of(Result.Code.NOT_FOUND, Result.Code.OK)));
        assertEquals(new Result(Result.Code.NOT_FOUND, 6), b.join(), "each command its own outcome");
        assertEquals(new Result(Result.Code.OK, 6), c.join(), "and the index of the entry that carried it");
        assertEquals(2, meters.get("muster_write_batch_size").summary().count());
        assertEquals(3, meters.get("muster_write_batch_size").summary().totalAmount());
    }

    @Test
    void anEntryCarriesAtMostMaxBatchCommands() {
        batcher.submit(write("first"));
        for (int i = 0; i < 4; i++) {
            batcher.submit(write("w" + i));
        }
        raft.proposals.get(0).result().complete(new Committed(1, List.of(Result.Code.OK)));
        assertEquals(List.of(write("w0"), write("w1"), write("w2")), raft.proposals.get(1).commands());
        raft.proposals.get(1).result().complete(new Committed(2, List.of(Result.Code.OK, Result.Code.OK, Result.Code.OK)));
        assertEquals(List.of(write("w3")), raft.proposals.get(2).commands());
    }

    @Test
    void aFailedEntryFailsEveryCommandInItWithTheSameError() {
        batcher.submit(write("first"));
        CompletableFuture<Result> b = batcher.submit(write("b"));
        CompletableFuture<Result> c = batcher.submit(write("c"));
        raft.proposals.get(0).result().complete(new Committed(1, List.of(Result.Code.OK)));

        OutcomeUnknownException unknown = new OutcomeUnknownException("write outcome unknown", null);
        raft.proposals.get(1).result().completeExceptionally(unknown);
        for (CompletableFuture<Result> f : List.of(b, c)) {
            assertTrue(f.isCompletedExceptionally());
            try {
                f.join();
            } catch (CompletionException e) {
                assertSame(unknown, e.getCause(), "the caller must still tell no_leader from outcome unknown");
            }
        }
    }
}
