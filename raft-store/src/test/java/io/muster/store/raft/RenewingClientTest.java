package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a {@link RenewingClient} builds a new Ratis client, and what becomes of the old ones. */
class RenewingClientTest {
    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor();
    private final List<FakeClient> built = new CopyOnWriteArrayList<>();
    private final AtomicReference<Optional<RaftPeerId>> known = new AtomicReference<>(Optional.of(RaftPeerId.valueOf("n1")));

    @AfterEach
    void stop() {
        closer.shutdownNow();
    }

    /** Stands in for a Ratis client: only its leader and whether it was closed matter here. */
    private static final class FakeClient {
        final AtomicReference<RaftPeerId> leader;
        final AtomicBoolean closed = new AtomicBoolean();
        final RaftClient proxy;

        FakeClient(RaftPeerId leader) {
            this.leader = new AtomicReference<>(leader);
            this.proxy = (RaftClient) Proxy.newProxyInstance(RaftClient.class.getClassLoader(), new Class<?>[] {RaftClient.class},
                    (p, method, args) -> switch (method.getName()) {
                        case "getLeaderId" -> this.leader.get();
                        case "close" -> {
                            closed.set(true);
                            yield null;
                        }
                        case "toString" -> "fake client of " + this.leader.get();
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private RenewingClient renewing(Duration deadline) {
        return new RenewingClient("test", deadline, () -> {
            FakeClient c = new FakeClient(known.get().orElse(null));
            built.add(c);
            return c.proxy;
        }, known::get, closer, Runnable::run);
    }

    private static CompletableFuture<String> ok(RaftClient c) {
        return CompletableFuture.completedFuture("ok");
    }

    @Test
    void aClientThatMovedOnByItselfIsKeptWhileTheMembersViewStaysTheSame() {
        RenewingClient client = renewing(Duration.ofSeconds(5));
        // The member still names n1 (say it just died); Ratis's client found n2 on its own.
        built.get(0).leader.set(RaftPeerId.valueOf("n2"));
        for (int i = 0; i < 10; i++) {
            client.call(RenewingClientTest::ok).join();
        }
        assertEquals(1, built.size(), "no client rebuilt while the member's view did not change");

        known.set(Optional.of(RaftPeerId.valueOf("n3")));
        for (int i = 0; i < 10; i++) {
            client.call(RenewingClientTest::ok).join();
        }
        assertEquals(2, built.size(), "one new client when the member learns of a new leader");
        assertEquals(RaftPeerId.valueOf("n3"), built.get(1).leader.get());
    }

    @Test
    void noLeaderKnownKeepsTheClient() {
        RenewingClient client = renewing(Duration.ofSeconds(5));
        known.set(Optional.empty());
        client.call(RenewingClientTest::ok).join();
        assertEquals(1, built.size());
    }

    @Test
    void aFailedRequestReplacesTheClientOnceAndTheOldOneClosesAfterTheDeadline() throws Exception {
        // Hold the closer's only thread, so that a stalled test thread cannot see the close happen early.
        CountDownLatch hold = new CountDownLatch(1);
        closer.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RenewingClient client = renewing(Duration.ofMillis(200));
        CompletableFuture<String> failed = client.call(c -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        assertThrows(ExecutionException.class, failed::get);
        assertEquals(2, built.size());
        assertFalse(built.get(0).closed.get(), "requests may still run on the old client until the deadline");
        hold.countDown();
        closer.schedule(() -> null, 400, TimeUnit.MILLISECONDS).get();
        assertTrue(built.get(0).closed.get(), "closed once the deadline passed");
        assertFalse(built.get(1).closed.get());
    }

    @Test
    void closeClosesTheCurrentAndEveryReplacedClientAndBuildsNoMore() throws Exception {
        RenewingClient client = renewing(Duration.ofSeconds(30));
        known.set(Optional.of(RaftPeerId.valueOf("n2")));
        client.call(RenewingClientTest::ok).join();
        assertEquals(2, built.size());
        client.close();
        assertTrue(built.get(0).closed.get() && built.get(1).closed.get());

        known.set(Optional.of(RaftPeerId.valueOf("n3")));
        client.call(c -> CompletableFuture.failedFuture(new IllegalStateException("after close"))).exceptionally(e -> null).join();
        assertEquals(2, built.size(), "a closed client is never renewed");
    }
}
