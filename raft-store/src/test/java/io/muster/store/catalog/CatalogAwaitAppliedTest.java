package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** awaitApplied: how a write or a read barrier waits for this node to catch up with an index. */
class CatalogAwaitAppliedTest {
    private final Log log = new Log();
    private final Catalog catalog = log.catalog();

    @Test
    void alreadyAppliedIndexCompletesAtOnce() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        CompletableFuture<Long> f = catalog.awaitApplied(1);

        assertTrue(f.isDone());
        assertEquals(1L, f.join());
        assertTrue(catalog.awaitApplied(0).isDone());
    }

    @Test
    void laterIndexCompletesWhenThatEntryIsApplied() {
        CompletableFuture<Long> f = catalog.awaitApplied(2);

        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        assertFalse(f.isDone());

        log.one(T0, new Command.Deregister("web", "nope"));
        assertEquals(2L, f.getNow(-1L));
    }

    @Test
    void entryBeyondTheAwaitedIndexCompletesIt() {
        CompletableFuture<Long> f = catalog.awaitApplied(1);

        catalog.apply(5, io.muster.store.Fixtures.entry(T0, new Command.SetOption("a", "b")));

        assertEquals(5L, f.getNow(-1L));
    }

    @Test
    void skippedEntryCompletesWaiters() {
        CompletableFuture<Long> f = catalog.awaitApplied(1);

        log.skip();

        assertEquals(1L, f.getNow(-1L));
        assertEquals(1, catalog.appliedIndex());
        assertEquals(0, catalog.changeIndex());
    }

    @Test
    void onlyWaitersUpToTheAppliedIndexComplete() {
        CompletableFuture<Long> two = catalog.awaitApplied(2);
        CompletableFuture<Long> twoAgain = catalog.awaitApplied(2);
        CompletableFuture<Long> three = catalog.awaitApplied(3);

        log.skip();
        log.skip();

        assertTrue(two.isDone());
        assertTrue(twoAgain.isDone());
        assertFalse(three.isDone());
    }

    @Test
    void loadingASnapshotCompletesWaitersUpToItsIndex() {
        Log source = new Log();
        for (int i = 0; i < 4; i++) {
            source.one(T0, new Command.Register("web", "w" + i, ttlSpec("10.0.0.1", 8080)));
        }
        CompletableFuture<Long> f = catalog.awaitApplied(3);

        catalog.load(source.catalog().export());

        assertEquals(4L, f.getNow(-1L));
    }

    /**
     * Regression: awaitApplied added a waiter to the list held in the map in place, while the apply thread could
     * be completing that same list. The apply thread then saw a half-added element (a NullPointerException, or a
     * ConcurrentModificationException), which stops the node's state machine. The race is narrow: this runs
     * rounds for about two seconds, which caught it in most runs before the fix.
     */
    @Test
    @Timeout(20)
    void concurrentWaitersAllCompleteAndNeverBreakTheApplyThread() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int rounds = 0;
        while (rounds == 0 || System.nanoTime() < deadline) {
            rounds++;
            raceOneRound(new Catalog(), 50_000);
        }
    }

    private static void raceOneRound(Catalog catalog, int entries) throws Exception {
        AtomicReference<Throwable> applyFailure = new AtomicReference<>();
        AtomicLong pending = new AtomicLong();
        AtomicLong early = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> requesters = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread requester = new Thread(() -> {
                while (!stop.get()) {
                    // Aim just ahead of the applier, so registration races with the release of that index.
                    long index = Math.min(entries, catalog.appliedIndex() + 1);
                    pending.incrementAndGet();
                    catalog.awaitApplied(index).thenAccept(got -> {
                        if (got < index) {
                            early.incrementAndGet();
                        }
                        pending.decrementAndGet();
                    });
                }
            }, "requester-" + t);
            requester.start();
            requesters.add(requester);
        }
        Thread applier = new Thread(() -> {
            try {
                for (int i = 1; i <= entries; i++) {
                    catalog.skip(i);
                }
            } catch (Throwable t) {
                applyFailure.set(t);
            }
        }, "apply");
        applier.start();
        applier.join();
        stop.set(true);
        for (Thread r : requesters) {
            r.join();
        }

        assertEquals(null, applyFailure.get(), "the apply thread failed while releasing waiters");
        assertEquals(0, pending.get(), "waiters left incomplete");
        assertEquals(0, early.get(), "waiters completed before their index");
    }
}
