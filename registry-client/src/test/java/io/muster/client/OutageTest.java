package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** With every member unreachable a view keeps serving, says how stale it is, and catches up afterwards. */
class OutageTest {

    /** A clock the test moves: staleness is checked exactly instead of by sleeping. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void viewKeepsItsEndpointsAndReportsStalenessWhileEveryMemberIsDown() throws Exception {
        FakeRegistry a = FakeRegistry.start();
        FakeRegistry b = FakeRegistry.start();
        MovableClock clock = new MovableClock();
        try (MusterClient client = TestClients.fast(a.address(), b.address()).clock(clock).build()) {
            for (FakeRegistry r : List.of(a, b)) {
                r.put("web", "web-1", 8080);
                r.put("web", "web-2", 8080);
            }
            ServiceView view = client.serviceView("web");
            assertTrue(view.awaitReady(Await.DEFAULT));
            Instant confirmed = view.lastUpdated().orElseThrow();
            List<ServiceViewEvent> events = new CopyOnWriteArrayList<>();
            view.addListener(events::add);

            a.stop();
            b.stop();
            Await.until("stale", view::isStale, view::toString);
            clock.advance(Duration.ofMinutes(3));

            assertEquals(2, view.endpoints().size());
            assertEquals(confirmed, view.lastUpdated().orElseThrow(), "nothing confirmed during the outage");
            assertEquals(Duration.ofMinutes(3), view.staleness());
            Await.lastEvent(events, ServiceViewEvent.Type.STALE);
            assertEquals(1, events.size(), "one event for the outage, not one per retry");

            // The registry moved on while unreachable from here.
            b.remove("web", "web-1");
            b.put("web", "web-3", 8080);
            b.restart();

            Await.until("caught up", () -> !view.isStale()
                    && view.endpoints().stream().map(Endpoint::id).toList().equals(List.of("web-2", "web-3")),
                    view::toString);
            assertEquals(clock.instant(), view.lastUpdated().orElseThrow());
            assertEquals(Duration.ZERO, view.staleness());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void viewWithNoRegistryFromTheStartIsStaleAndEmptyThenFills() throws Exception {
        FakeRegistry registry = FakeRegistry.start();
        registry.put("web", "web-1", 8080);
        registry.stop();
        try (MusterClient client = TestClients.fast(registry.address()).build()) {
            ServiceView view = client.serviceView("web");

            Await.until("stale", view::isStale, view::toString);
            assertFalse(view.awaitReady(Duration.ofMillis(50)));
            assertEquals(List.of(), view.endpoints());
            assertTrue(view.lastUpdated().isEmpty());

            registry.restart();

            assertTrue(view.awaitReady(Await.DEFAULT));
            Await.until("fresh", () -> !view.isStale() && view.endpoints().size() == 1, view::toString);
        } finally {
            registry.close();
        }
    }
}
