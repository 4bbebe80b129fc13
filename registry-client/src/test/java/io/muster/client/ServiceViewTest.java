package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A view follows the registry through blocking queries and tells its listeners. */
class ServiceViewTest {

    private FakeRegistry registry;
    private MusterClient client;

    @BeforeEach
    void setUp() throws Exception {
        registry = FakeRegistry.start();
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        registry.close();
    }

    private static List<String> ids(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::id).toList();
    }

    @Test
    void viewStartsWithTheHealthyEndpoints() throws Exception {
        registry.put("web", new FakeRegistry.Instance("web-2", "10.0.0.2", 8080, List.of("primary"),
                Map.of("version", "2"), 5, "passing", null));
        registry.put("web", "web-1", 8081);
        registry.put("web", "web-3", 8082);
        registry.setStatus("web", "web-3", "critical");
        client = TestClients.fast(registry.address()).build();

        ServiceView view = client.serviceView("web");

        assertTrue(view.awaitReady(Await.DEFAULT));
        assertEquals(List.of("web-1", "web-2"), ids(view.endpoints()), "sorted by id, critical left out");
        Endpoint web2 = view.endpoints().get(1);
        assertEquals("10.0.0.2:8080", web2.hostPort());
        assertEquals(List.of("primary"), web2.tags());
        assertEquals(Map.of("version", "2"), web2.metadata());
        assertEquals(5, web2.weight());
        assertEquals(registry.index("web"), view.index());
        assertFalse(view.isStale());
        assertTrue(view.lastUpdated().isPresent());
        assertTrue(registry.requests().get(0).contains("healthy=true"));
        assertTrue(registry.requests().get(0).contains("consistency=stale"));
    }

    @Test
    void changesArriveThroughTheBlockingQueryLongBeforeTheWaitEnds() throws Exception {
        registry.put("web", "web-1", 8080);
        client = TestClients.fast(Duration.ofSeconds(20), registry.address()).build();
        ServiceView view = client.serviceView("web");
        assertTrue(view.awaitReady(Await.DEFAULT));
        List<ServiceViewEvent> events = new CopyOnWriteArrayList<>();
        view.addListener(events::add);
        // Let the view's blocking query reach the registry and park there.
        Await.until("a parked blocking query", () -> registry.countRequests("GET /v1/services/web?") >= 2,
                () -> registry.requests().toString());

        long started = System.nanoTime();
        registry.put("web", "web-2", 8080);
        Await.until("web-2 in the view", () -> view.endpoints().size() == 2, () -> view.toString());
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertTrue(tookMs < 10_000, "woken by the change, not by the 20s wait: " + tookMs + "ms");
        Await.until("an event", () -> !events.isEmpty(), events::toString);
        ServiceViewEvent event = events.get(0);
        assertEquals(ServiceViewEvent.Type.UPDATED, event.type());
        assertEquals(List.of("web-1", "web-2"), ids(event.endpoints()));
        assertEquals(List.of("web-1"), ids(event.previous()));
        assertEquals(registry.index("web"), event.index());
        String blocking = registry.requests().get(1);
        assertTrue(blocking.contains("index=" + (registry.index("web") - 1)) && blocking.contains("wait=20s"),
                "second query blocks on the first answer's index: " + blocking);
    }

    @Test
    void statusChangesAndRemovalsShowUp() throws Exception {
        registry.put("web", "web-1", 8080);
        registry.put("web", "web-2", 8080);
        registry.put("web", "web-3", 8080);
        client = TestClients.fast(registry.address()).build();
        ServiceView view = client.serviceView("web");
        assertTrue(view.awaitReady(Await.DEFAULT));

        registry.setStatus("web", "web-2", "critical");
        Await.until("web-2 gone", () -> ids(view.endpoints()).equals(List.of("web-1", "web-3")), view::toString);
        registry.remove("web", "web-3");
        Await.until("web-3 gone", () -> ids(view.endpoints()).equals(List.of("web-1")), view::toString);
        registry.setStatus("web", "web-2", "passing");
        Await.until("web-2 back", () -> ids(view.endpoints()).equals(List.of("web-1", "web-2")), view::toString);
    }

    @Test
    void aViewOfAnUnknownServiceFillsWhenTheFirstInstanceRegisters() throws Exception {
        client = TestClients.fast(registry.address()).build();
        ServiceView view = client.serviceView("late");
        assertTrue(view.awaitReady(Await.DEFAULT));
        assertEquals(List.of(), view.endpoints());

        registry.put("late", "late-1", 9000);

        Await.until("late-1 in the view", () -> view.endpoints().size() == 1, view::toString);
    }

    @Test
    void aTaggedViewAsksForItsTags() throws Exception {
        registry.put("web", new FakeRegistry.Instance("web-1", "10.0.0.1", 80, List.of("primary", "eu"), Map.of(), 1,
                "passing", null));
        registry.put("web", new FakeRegistry.Instance("web-2", "10.0.0.2", 80, List.of("eu"), Map.of(), 1,
                "passing", null));
        client = TestClients.fast(registry.address()).build();

        ServiceView view = client.serviceView("web", Set.of("primary", "eu"));

        assertTrue(view.awaitReady(Await.DEFAULT));
        assertEquals(List.of("web-1"), ids(view.endpoints()));
        assertTrue(registry.requests().get(0).contains("tag=eu&tag=primary"), registry.requests().get(0));
    }

    @Test
    void anIndexThatGoesBackwardsRestartsFromZero() throws Exception {
        registry.put("web", "web-1", 8080);
        client = TestClients.fast(Duration.ofMillis(300), registry.address()).build();
        ServiceView view = client.serviceView("web");
        assertTrue(view.awaitReady(Await.DEFAULT));
        Await.until("a blocking query", () -> registry.countRequests("GET /v1/services/web?healthy=true&index=11") >= 1,
                () -> registry.requests().toString());

        registry.rewindIndex("web", 5);

        Await.until("a query from index 0 after the rewind", () -> {
            List<String> requests = registry.requests();
            int rewound = -1;
            for (int i = 0; i < requests.size(); i++) {
                if (requests.get(i).contains("index=11")) {
                    rewound = i;
                }
            }
            return rewound >= 0 && requests.subList(rewound, requests.size()).stream()
                    .anyMatch(r -> r.contains("index=0&"));
        }, () -> registry.requests().toString());
        Await.until("the view follows the new index", () -> view.index() == 5, view::toString);
        registry.put("web", "web-2", 8080);
        Await.until("and still sees changes", () -> view.endpoints().size() == 2, view::toString);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthersOrTheView() throws Exception {
        registry.put("web", "web-1", 8080);
        client = TestClients.fast(registry.address()).build();
        ServiceView view = client.serviceView("web");
        assertTrue(view.awaitReady(Await.DEFAULT));
        List<ServiceViewEvent> events = new CopyOnWriteArrayList<>();
        view.addListener(e -> {
            throw new IllegalStateException("listener bug");
        });
        view.addListener(events::add);

        registry.put("web", "web-2", 8080);
        Await.until("the second listener hears", () -> events.size() == 1, events::toString);
        registry.put("web", "web-3", 8080);
        Await.until("and keeps hearing", () -> events.size() == 2, events::toString);
    }

    @Test
    void aClosedViewStopsQueryingAndKeepsItsLastState() throws Exception {
        registry.put("web", "web-1", 8080);
        client = TestClients.fast(registry.address()).build();
        ServiceView view = client.serviceView("web");
        assertTrue(view.awaitReady(Await.DEFAULT));

        view.close();
        long before = registry.countRequests("GET");
        registry.put("web", "web-2", 8080);
        FakeRegistry.sleep(300);

        assertEquals(List.of("web-1"), ids(view.endpoints()));
        assertTrue(registry.countRequests("GET") <= before + 1, "at most the query already in flight");
    }
}
