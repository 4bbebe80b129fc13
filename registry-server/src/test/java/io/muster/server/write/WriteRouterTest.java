package io.muster.server.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.message.ForwardedWrites;
import io.muster.store.message.MessageKind;
import io.muster.store.raft.Committed;
import io.muster.store.raft.NoLeaderException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The write router through its ports, on a fake clock: which way a write goes (the leader's batcher, a forward, or
 * refused at once), and what the leader does with a forwarded batch that is late or malformed.
 */
class WriteRouterTest {
    private static final long NOW = 1_700_000_000_000L;

    private final FakeRaft raft = new FakeRaft("n1");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private long wall = NOW;
    private final WriteRouter router = new WriteRouter(raft, raft, raft, new WriteBatcher(raft, 512, 4, meters),
            clock(), meters);

    private Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(wall);
            }
        };
    }

    private static Command write(String id) {
        return new Command.Deregister("web", id, 0, null);
    }

    private double refusedLate() {
        return meters.get("muster_forwarded_writes_refused_late").counter().count();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally(), "expected a failure");
        try {
            f.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void onTheLeaderAWriteGoesToItsBatcher() {
        raft.leading();
        CompletableFuture<Result> result = router.submit(write("a"));

        assertEquals(1, raft.proposals.size(), "proposed as a log entry here");
        assertEquals(List.of(write("a")), raft.proposals.get(0).commands());
        assertTrue(raft.asks.isEmpty(), "nothing forwarded");
        assertFalse(result.isDone());

        raft.proposals.get(0).result().complete(new Committed(7, List.of(Result.Code.OK)));
        assertEquals(new Result(Result.Code.OK, 7), result.join());
    }

    @Test
    void aFollowerForwardsToTheLeaderAndAnswersOnceAppliedHere() {
        raft.following("n2");
        CompletableFuture<Result> result = router.submit(write("a"));

        assertTrue(raft.proposals.isEmpty(), "a follower proposes nothing itself");
        assertEquals(1, raft.asks.size());
        FakeRaft.Ask ask = raft.asks.get(0);
        assertEquals("askLeaderOnce", ask.how(), "a forwarded write must never be resent once it may have run");
        assertEquals(MessageKind.FORWARDED_WRITES, ask.kind());
        ForwardedWrites.Request sent = ForwardedWrites.decode(ask.payload());
        assertEquals(List.of(write("a")), sent.commands());
        assertEquals(NOW + WriteRouter.FORWARD_BUDGET.toMillis(), sent.notAfterMillis());

        ask.answer().complete(ForwardedWrites.encodeAnswer(List.of(new Result(Result.Code.NOT_FOUND, 12))));
        assertEquals(List.of(12L), raft.appliedAsked, "waits to apply the entry that carried it");
        assertFalse(result.isDone(), "a read here right after must see the write");

        raft.appliedWaits.get(0).complete(12L);
        assertEquals(new Result(Result.Code.NOT_FOUND, 12), result.join());
    }

    @Test
    void writesWaitingOnAForwardLeaveTogether() {
        raft.following("n2");
        // Fill every forward slot (WriteRouter.MAX_IN_FLIGHT, 8), then queue two more: they leave as one forward
        // when a slot frees.
        List<CompletableFuture<Result>> first = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            first.add(router.submit(write("f" + i)));
        }
        CompletableFuture<Result> x = router.submit(write("x"));
        CompletableFuture<Result> y = router.submit(write("y"));
        assertEquals(8, raft.asks.size());

        raft.asks.get(0).answer().complete(ForwardedWrites.encodeAnswer(List.of(new Result(Result.Code.OK, 3))));
        raft.appliedWaits.get(0).complete(3L);
        assertEquals(new Result(Result.Code.OK, 3), first.get(0).join());
        assertEquals(9, raft.asks.size());
        assertEquals(List.of(write("x"), write("y")), ForwardedWrites.decode(raft.asks.get(8).payload()).commands());
        assertFalse(x.isDone() || y.isDone());
    }

    @Test
    void withNoLeaderKnownAWriteIsRefusedAtOnce() {
        raft.noLeader();
        CompletableFuture<Result> result = router.submit(write("a"));

        assertInstanceOf(NoLeaderException.class, failure(result));
        assertTrue(raft.proposals.isEmpty());
        assertTrue(raft.asks.isEmpty(), "not queued for a leader that may never come");
    }

    @Test
    void aMalformedAnswerFromTheLeaderIsNoLeader() {
        raft.following("n2");
        CompletableFuture<Result> result = router.submit(write("a"));
        raft.asks.get(0).answer().complete(new byte[3]);

        assertInstanceOf(NoLeaderException.class, failure(result));
        assertTrue(raft.appliedAsked.isEmpty());
    }

    @Test
    void theLeaderServesAForwardedBatchThroughItsBatcher() {
        raft.leading();
        byte[] payload = ForwardedWrites.encode(new ForwardedWrites.Request(NOW + 2_000, List.of(write("a"), write("b"))));
        CompletableFuture<byte[]> answer = router.serveForwarded(payload);

        // Each command joins the leader's batcher like a local write; with slots free, each leaves at once.
        assertEquals(2, raft.proposals.size());
        assertEquals(List.of(write("a")), raft.proposals.get(0).commands());
        assertEquals(List.of(write("b")), raft.proposals.get(1).commands());
        raft.proposals.get(1).result().complete(new Committed(22, List.of(Result.Code.NOT_FOUND)));
        assertFalse(answer.isDone(), "answered once every command of the batch is applied");
        raft.proposals.get(0).result().complete(new Committed(21, List.of(Result.Code.OK)));
        assertArrayEquals(ForwardedWrites.encodeAnswer(List.of(new Result(Result.Code.OK, 21), new Result(Result.Code.NOT_FOUND, 22))),
                answer.join(), "answers in the batch's order");
        assertEquals(0, refusedLate());
    }

    @Test
    void aForwardedBatchPastItsDeadlineIsRefusedWholeAndCounted() {
        raft.leading();
        byte[] payload = ForwardedWrites.encode(new ForwardedWrites.Request(NOW, List.of(write("a"), write("b"), write("c"))));
        wall = NOW + 1;
        CompletableFuture<byte[]> answer = router.serveForwarded(payload);

        Throwable refused = failure(answer);
        assertInstanceOf(IllegalArgumentException.class, refused);
        assertTrue(refused.getMessage().contains("after their deadline"), refused.getMessage());
        assertTrue(raft.proposals.isEmpty(), "nothing of a late batch runs");
        assertEquals(3, refusedLate(), "every write of the batch is counted");
    }

    @Test
    void aForwardedBatchJustInTimeIsServed() {
        raft.leading();
        byte[] payload = ForwardedWrites.encode(new ForwardedWrites.Request(NOW, List.of(write("a"))));
        CompletableFuture<byte[]> answer = router.serveForwarded(payload);

        assertFalse(answer.isDone());
        assertEquals(1, raft.proposals.size());
        assertEquals(0, refusedLate());
    }

    @Test
    void aMalformedForwardedBatchIsRefusedWhole() {
        raft.leading();
        byte[] good = ForwardedWrites.encode(new ForwardedWrites.Request(NOW + 2_000, List.of(write("a"))));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] unknownVersion = good.clone();
        unknownVersion[0] = 99;

        for (byte[] bad : List.of(truncated, unknownVersion, new byte[0])) {
            assertInstanceOf(IllegalArgumentException.class, failure(router.serveForwarded(bad)));
        }
        assertTrue(raft.proposals.isEmpty(), "nothing of a malformed batch runs");
        assertEquals(0, refusedLate(), "malformed is not late");
    }
}
