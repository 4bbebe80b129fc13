package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A sudden collapse of a service's healthy endpoints is treated as the registry's fault, not the service's. */
class ProtectionTest {

    private FakeRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        registry = FakeRegistry.start();
        for (int i = 1; i <= 4; i++) {
            registry.put("web", "web-" + i, 8080);
        }
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private static List<String> ids(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::id).toList();
    }

    @Test
    void anEmptyAnswerKeepsTheLastEndpointsByDefault() throws Exception {
        try (MusterClient client = TestClients.fast(registry.address()).build()) {
            ServiceView view = client.serviceView("web");
            assertTrue(view.awaitReady(Await.DEFAULT));
            List<ServiceViewEvent> events = new CopyOnWriteArrayList<>();
            view.addListener(events::add);

            registry.removeAll("web");

            Await.until("protected", view::isProtected, view::toString);
            assertEquals(List.of("web-1", "web-2", "web-3", "web-4"), ids(view.endpoints()));
            assertFalse(view.isStale(), "the registry answered; it is the answer that is doubted");
            assertEquals(registry.index("web"), view.index());
            ServiceViewEvent event = Await.lastEvent(events, ServiceViewEvent.Type.PROTECTED);
            assertEquals(event, events.get(0), "the first event is the protection");
            assertTrue(event.protectedMode());
            assertEquals(4, event.endpoints().size());

            // Default threshold 0: any non-empty answer is believed, however small.
            registry.put("web", "web-9", 8080);

            Await.until("unprotected", () -> !view.isProtected(), view::toString);
            assertEquals(List.of("web-9"), ids(view.endpoints()));
            ServiceViewEvent last = Await.lastEvent(events, ServiceViewEvent.Type.UPDATED);
            assertFalse(last.protectedMode());
        }
    }

    @Test
    void aThresholdAlsoRefusesAnswersBelowTheShare() throws Exception {
        try (MusterClient client = TestClients.fast(registry.address()).protectThreshold(0.5).build()) {
            ServiceView view = client.serviceView("web");
            assertTrue(view.awaitReady(Await.DEFAULT));

            registry.remove("web", "web-1");
            Await.until("3 of 4 is believed", () -> view.endpoints().size() == 3, view::toString);
            assertFalse(view.isProtected());

            // In one change: two steps of one would each be above the threshold and be believed, by design.
            registry.removeTogether("web", "web-2", "web-3");
            Await.until("1 of 3 is refused", view::isProtected, view::toString);
            assertEquals(List.of("web-2", "web-3", "web-4"), ids(view.endpoints()));

            registry.put("web", "web-5", 8080);
            Await.until("2 of 3 is believed", () -> !view.isProtected(), view::toString);
            assertEquals(List.of("web-4", "web-5"), ids(view.endpoints()));
        }
    }

    @Test
    void aViewThatNeverHadEndpointsTakesAnEmptyAnswer() throws Exception {
        try (MusterClient client = TestClients.fast(registry.address()).build()) {
            ServiceView view = client.serviceView("empty");
            assertTrue(view.awaitReady(Await.DEFAULT));
            assertFalse(view.isProtected());
            assertEquals(List.of(), view.endpoints());
        }
    }
}
