package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nothing a broken registry (or whatever answers in its place) sends breaks a view: it keeps its endpoints, says it
 * is stale, and catches up once sensible answers return.
 */
class BadAnswerTest {

    @ParameterizedTest
    @EnumSource(value = FakeRegistry.Mode.class, names = "NORMAL", mode = EnumSource.Mode.EXCLUDE)
    void viewSurvivesAndRecovers(FakeRegistry.Mode mode) throws Exception {
        try (FakeRegistry registry = FakeRegistry.start();
                // A short wait so the view asks again soon, and meets the misbehaviour, without a change.
                MusterClient client = TestClients.fast(Duration.ofMillis(200), registry.address()).build()) {
            registry.put("web", "web-1", 8080);
            registry.put("web", "web-2", 8080);
            ServiceView view = client.serviceView("web");
            assertTrue(view.awaitReady(Await.DEFAULT));
            List<ServiceViewEvent> events = new CopyOnWriteArrayList<>();
            view.addListener(events::add);

            registry.misbehave(mode);
            Await.until("the view notices", view::isStale, view::toString);

            assertEquals(2, view.endpoints().size(), "last endpoints kept");
            ServiceViewEvent stale = Await.lastEvent(events, ServiceViewEvent.Type.STALE);
            assertEquals(stale, events.get(0), "the first event is the staleness");
            assertTrue(stale.stale());
            assertEquals(2, stale.endpoints().size());
            long retriesBefore = registry.countRequests("GET");
            FakeRegistry.sleep(300);
            long retries = registry.countRequests("GET") - retriesBefore;
            assertTrue(retries < 60, "backs off instead of hammering: " + retries + " requests in 300ms");

            registry.put("web", "web-3", 8080);
            registry.misbehave(FakeRegistry.Mode.NORMAL);

            Await.until("the view catches up", () -> view.endpoints().size() == 3 && !view.isStale(), view::toString);
            ServiceViewEvent last = Await.lastEvent(events, ServiceViewEvent.Type.UPDATED);
            assertFalse(last.stale());
        }
    }
}
