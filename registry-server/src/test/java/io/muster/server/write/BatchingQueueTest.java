package io.muster.server.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BatchingQueueTest {
    private record Sent(List<Integer> items, CompletableFuture<List<String>> answer) {
    }

    private final List<Sent> sent = new ArrayList<>();

    private CompletableFuture<List<String>> send(List<Integer> items) {
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        sent.add(new Sent(items, f));
        return f;
    }

    private static List<String> answers(List<Integer> items) {
        return items.stream().map(i -> "a" + i).toList();
    }

    @Test
    void sendsAtOnceWhileSlotsAreFreeThenBatchesWhatWaited() throws Exception {
        BatchingQueue<Integer, String> q = new BatchingQueue<>(3, 1, Duration.ofMinutes(1), this::send);
        CompletableFuture<String> first = q.submit(1);
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int i = 2; i <= 6; i++) {
            waiting.add(q.submit(i));
        }
        assertEquals(List.of(List.of(1)), sent.stream().map(Sent::items).toList());

        sent.get(0).answer().complete(answers(sent.get(0).items()));

        assertEquals("a1", first.get());
        assertEquals(List.of(2, 3, 4), sent.get(1).items(), "what waited leaves together, up to the batch size");
        sent.get(1).answer().complete(answers(sent.get(1).items()));
        assertEquals(List.of(5, 6), sent.get(2).items());
        sent.get(2).answer().complete(answers(sent.get(2).items()));
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals("a" + (i + 2), waiting.get(i).get());
        }
    }

    @Test
    void aFailedBatchFailsEachOfItsItemsAndFreesItsSlot() {
        BatchingQueue<Integer, String> q = new BatchingQueue<>(10, 1, Duration.ofMinutes(1), this::send);
        CompletableFuture<String> a = q.submit(1);
        CompletableFuture<String> b = q.submit(2);

        sent.get(0).answer().completeExceptionally(new IllegalStateException("down"));

        ExecutionException e = assertThrows(ExecutionException.class, a::get);
        assertEquals("down", e.getCause().getMessage());
        assertEquals(List.of(2), sent.get(1).items(), "the slot is free again");
        assertFalse(b.isDone());
    }

    @Test
    void aWrongNumberOfAnswersFailsTheBatchInsteadOfMisattributing() {
        BatchingQueue<Integer, String> q = new BatchingQueue<>(10, 2, Duration.ofMinutes(1), this::send);
        CompletableFuture<String> a = q.submit(1);

        sent.get(0).answer().complete(List.of("a1", "extra"));

        assertTrue(a.isCompletedExceptionally());
    }

    @Test
    void aSenderThatThrowsFailsItsBatch() {
        BatchingQueue<Integer, String> q = new BatchingQueue<>(10, 2, Duration.ofMinutes(1), items -> {
            throw new IllegalArgumentException("cannot encode");
        });
        CompletableFuture<String> a = q.submit(1);
        ExecutionException e = assertThrows(ExecutionException.class, a::get);
        assertEquals("cannot encode", e.getCause().getMessage());
    }

    @Test
    void itemsThatWaitedPastTheDeadlineFailInsteadOfBeingSentLate() throws Exception {
        // The fresh item must not pass the deadline between its submit and the answer below: a wide margin.
        BatchingQueue<Integer, String> q = new BatchingQueue<>(10, 1, Duration.ofMillis(1000), this::send);
        CompletableFuture<String> first = q.submit(1);
        CompletableFuture<String> late = q.submit(2);
        Thread.sleep(1200);
        CompletableFuture<String> fresh = q.submit(3);

        sent.get(0).answer().complete(answers(sent.get(0).items()));

        assertEquals("a1", first.get());
        ExecutionException e = assertThrows(ExecutionException.class, late::get);
        assertTrue(e.getCause() instanceof io.muster.store.raft.NoLeaderException, e.toString());
        assertEquals(List.of(3), sent.get(1).items(), "only the fresh item is sent");
        assertFalse(fresh.isDone());
    }

    @Test
    void aFullQueueRefusesMore() {
        BatchingQueue<Integer, String> q = new BatchingQueue<>(10, 1, Duration.ofMinutes(1), this::send);
        for (int i = 0; i <= BatchingQueue.MAX_QUEUED; i++) {
            q.submit(i);
        }
        CompletableFuture<String> refused = q.submit(-1);
        assertTrue(refused.isCompletedExceptionally());
    }
}
