package io.muster.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.catalog.CatalogChange;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub on its own (design rule 10): a change wakes exactly the waiters of the services it touched plus the
 * catalog-wide ones, a waiter left alone completes after its wait and not before, and thousands of waiters cost
 * no thread each.
 */
class WatchHubTest {
    private static final Duration LONG = Duration.ofMinutes(5);

    private Vertx vertx;
    private WatchHub hub;
    private Context context;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        hub = new WatchHub(vertx);
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Parks a waiter from the context, as the HTTP layer does, and returns its completion as a future. */
    private CompletableFuture<Void> park(String key, Duration wait) {
        return onContext(() -> hub.await(key, wait, context)).thenCompose(f -> f.toCompletionStage().toCompletableFuture());
    }

    private List<CompletableFuture<Void>> park(String key, Duration wait, int count) throws Exception {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        onContext(() -> {
            for (int i = 0; i < count; i++) {
                out.add(hub.await(key, wait, context).toCompletionStage().toCompletableFuture());
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
        return out;
    }

    private <T> CompletableFuture<T> onContext(Supplier<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static void awaitCount(WatchHub hub, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hub.waiting() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, hub.waiting());
    }

    @Test
    void changeWakesOnlyTheWaitersOfTheServicesItTouched() throws Exception {
        List<CompletableFuture<Void>> web = park("web", LONG, 3);
        List<CompletableFuture<Void>> db = park("db", LONG, 3);
        List<CompletableFuture<Void>> cache = park("cache", LONG, 3);
        awaitCount(hub, 9);

        hub.changed(change(10, "web", "cache"));

        CompletableFuture.allOf(web.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(cache.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        awaitCount(hub, 3);
        db.forEach(f -> assertFalse(f.isDone(), "a change to web and cache must not wake db's waiters"));
    }

    @Test
    void catalogWideWaitersWakeOnAnyChange() throws Exception {
        CompletableFuture<Void> any = park(WatchHub.ANY, LONG);
        CompletableFuture<Void> other = park("db", LONG);
        awaitCount(hub, 2);

        hub.changed(change(11, "web"));

        any.get(10, TimeUnit.SECONDS);
        awaitCount(hub, 1);
        assertFalse(other.isDone());
    }

    @Test
    void aWokenWaiterIsGoneAndASecondChangeFindsNobody() throws Exception {
        CompletableFuture<Void> first = park("web", LONG);
        awaitCount(hub, 1);
        hub.changed(change(12, "web"));
        first.get(10, TimeUnit.SECONDS);
        awaitCount(hub, 0);
        // Nothing parked: a further change is a no-op, and the cancelled timer never fires a second completion.
        hub.changed(change(13, "web"));
        assertEquals(0, hub.waiting());
    }

    @Test
    void aWaiterLeftAloneCompletesAfterItsWaitAndNotBefore() throws Exception {
        Duration wait = Duration.ofMillis(800);
        long started = System.nanoTime();
        List<CompletableFuture<Long>> done = new ArrayList<>();
        for (CompletableFuture<Void> f : park("quiet", wait, 50)) {
            done.add(f.thenApply(v -> System.nanoTime()));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        long earliestMs = Long.MAX_VALUE;
        long latestMs = 0;
        for (CompletableFuture<Long> f : done) {
            long ms = TimeUnit.NANOSECONDS.toMillis(f.get() - started);
            earliestMs = Math.min(earliestMs, ms);
            latestMs = Math.max(latestMs, ms);
        }
        assertTrue(earliestMs >= wait.toMillis(), "completed " + earliestMs + " ms after parking, before the wait");
        // The jitter adds at most wait/16 (50 ms here); the rest is slack for a loaded two-core machine.
        assertTrue(latestMs <= wait.toMillis() + wait.toMillis() / 16 + 5000, "completed only after " + latestMs + " ms");
        assertEquals(0, hub.waiting());
    }

    @Test
    void thousandsOfWaitersAreWokenByOneChangeWithoutAThreadEach() throws Exception {
        int threadsBefore = Thread.activeCount();
        List<CompletableFuture<Void>> hot = park("hot", LONG, 5000);
        List<CompletableFuture<Void>> cold = park("cold", LONG, 5000);
        awaitCount(hub, 10_000);
        assertTrue(Thread.activeCount() - threadsBefore < 10, "parking must not take a thread per waiter");

        hub.changed(change(14, "hot"));

        CompletableFuture.allOf(hot.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        awaitCount(hub, 5000);
        assertEquals(0, cold.stream().filter(CompletableFuture::isDone).count(), "no cold waiter may wake");
    }

    @Test
    void completionRunsOnTheWaitersOwnContext() throws Exception {
        CompletableFuture<Boolean> onContext = new CompletableFuture<>();
        context.runOnContext(v -> {
            Future<Void> f = hub.await("web", LONG, context);
            f.onComplete(r -> onContext.complete(Vertx.currentContext() == context));
        });
        awaitCount(hub, 1);
        // Changes are reported on the Raft apply thread: completion must hop back to the request's context.
        Thread apply = new Thread(() -> hub.changed(change(15, "web")), "apply");
        apply.start();
        apply.join();
        assertTrue(onContext.get(10, TimeUnit.SECONDS), "completed off the waiter's context");
    }

    private static CatalogChange change(long index, String... services) {
        Map<String, Set<String>> instances = new HashMap<>();
        for (String s : services) {
            instances.put(s, Set.of("i1"));
        }
        return new CatalogChange(index, instances, false);
    }
}
