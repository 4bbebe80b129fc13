package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A burst of default reads costs at most two leader queries (defect 7 of issue 15: each read used to take a permit of
 * the ordered Raft client, and the 1,025th blocked the event loop), and no read is answered by a query sent before
 * it arrived.
 */
class SharedQueryTest {
    private final List<CompletableFuture<Long>> sent = new ArrayList<>();
    private final SharedQuery<Long> shared = new SharedQuery<>(() -> {
        CompletableFuture<Long> f = new CompletableFuture<>();
        sent.add(f);
        return f;
    });

    @Test
    void aBurstWhileOneQueryIsInFlightSharesTheNextOne() {
        CompletableFuture<Long> first = shared.get();
        List<CompletableFuture<Long>> burst = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            burst.add(shared.get());
        }
        assertEquals(1, sent.size());

        sent.get(0).complete(10L);
        assertEquals(10L, first.join());
        // The burst arrived after the first query left: it must not take that answer, but the next one's.
        assertEquals(2, sent.size());
        assertFalse(burst.get(0).isDone());
        sent.get(1).complete(11L);
        assertTrue(burst.stream().allMatch(f -> f.join() == 11L));
        assertEquals(2, sent.size());
    }

    @Test
    void aFailureFailsItsWaitersAndTheNextQueryStillRuns() {
        CompletableFuture<Long> first = shared.get();
        CompletableFuture<Long> second = shared.get();
        sent.get(0).completeExceptionally(new NoLeaderException("gone", null));
        assertTrue(first.isCompletedExceptionally());
        sent.get(1).complete(3L);
        assertEquals(3L, second.join());
        CompletableFuture<Long> third = shared.get();
        assertEquals(3, sent.size());
        sent.get(2).complete(4L);
        assertEquals(4L, third.join());
    }

    @Test
    void aQueryThatThrowsFailsOnlyItsCallers() {
        SharedQuery<Long> throwing = new SharedQuery<>(() -> {
            throw new IllegalStateException("boom");
        });
        assertTrue(throwing.get().isCompletedExceptionally());
        assertTrue(throwing.get().isCompletedExceptionally());
    }
}
