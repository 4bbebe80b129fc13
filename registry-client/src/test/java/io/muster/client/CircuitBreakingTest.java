package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Circuit breaking per endpoint, on a ticker the test moves: a reported failure takes an endpoint out of the
 * pickers' choice for a backoff, then one trial call goes through; never all endpoints at once.
 */
class CircuitBreakingTest {
    private static final long SECOND = 1_000_000_000L;

    private FakeRegistry registry;
    private final AtomicLong now = new AtomicLong(42 * SECOND);
    private MusterClient client;
    private ServiceView view;
    private final List<ServiceViewEvent> events = new CopyOnWriteArrayList<>();
    private final Picker roundRobin = Picker.roundRobin();

    @BeforeEach
    void setUp() throws Exception {
        registry = FakeRegistry.start();
        for (int i = 1; i <= 4; i++) {
            registry.put("web", "web-" + i, 8080 + i);
        }
        client = TestClients.fast(registry.address()).ticker(now::get).build();
        view = client.serviceView("web");
        assertTrue(view.awaitReady(Await.DEFAULT));
        view.addListener(events::add);
    }

    @AfterEach
    void tearDown() {
        client.close();
        registry.close();
    }

    private Endpoint endpoint(String id) {
        return view.endpoints().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    private List<String> picks(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(view.pick(roundRobin).orElseThrow().id());
        }
        return ids;
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aFailedEndpointIsSkippedThenGetsOneTrialAndComesBackOnSuccess() {
        Endpoint w1 = endpoint("web-1");
        view.reportFailure(w1);

        assertEquals(Set.of("web-1"), view.ejected());
        ServiceViewEvent ejected = Await.lastEvent(events, ServiceViewEvent.Type.EJECTED);
        assertEquals(Set.of("web-1"), ejected.ejected());
        assertEquals(4, view.endpoints().size(), "the view still lists every endpoint the registry offers");
        assertFalse(picks(40).contains("web-1"));

        advance(Duration.ofMillis(999));
        assertFalse(picks(40).contains("web-1"), "out for the whole base ejection (1 s)");

        advance(Duration.ofMillis(1));
        assertEquals(Set.of(), view.ejected(), "half-open: offered again");
        List<String> trial = picks(40);
        assertEquals(1, trial.stream().filter("web-1"::equals).count(), "exactly one trial call: " + trial);
        assertEquals(Set.of("web-1"), view.ejected(), "on trial: skipped until the trial is reported");

        view.reportSuccess(w1);
        assertEquals(Set.of(), view.ejected());
        assertEquals(Set.of(), Await.lastEvent(events, ServiceViewEvent.Type.RESTORED).ejected());
        assertEquals(10, picks(40).stream().filter("web-1"::equals).count(), "back in the rotation");
    }

    @Test
    void eachFailedTrialDoublesTheTimeOutUpToTheMaximum() {
        Endpoint w2 = endpoint("web-2");
        view.reportFailure(w2);
        Duration expected = Duration.ofSeconds(1);
        for (int round = 0; round < 7; round++) {
            advance(expected.minusMillis(1));
            assertFalse(picks(20).contains("web-2"), "still out in round " + round + " (" + expected + ")");
            advance(Duration.ofMillis(1));
            assertTrue(picks(20).contains("web-2"), "a trial after " + expected);
            view.reportFailure(w2);
            expected = expected.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                    : expected.multipliedBy(2);
        }
        assertEquals(Duration.ofSeconds(30), expected, "capped at 30 s");
        assertEquals(Set.of("web-2"), view.ejected());
    }

    @Test
    void aFailureFromACallMadeBeforeTheEjectionChangesNothing() {
        Endpoint w1 = endpoint("web-1");
        view.reportFailure(w1);
        advance(Duration.ofMillis(500));
        view.reportFailure(w1);
        view.reportSuccess(w1);
        assertEquals(Set.of("web-1"), view.ejected(), "a straggler's success does not close the circuit");
        advance(Duration.ofMillis(500));
        assertTrue(picks(20).contains("web-1"), "the straggler's failure did not lengthen the 1 s time out");
    }

    @Test
    void neverMoreThanTheShareAndNeverAllAtOnce() {
        view.reportFailure(endpoint("web-1"));
        view.reportFailure(endpoint("web-2"));
        view.reportFailure(endpoint("web-3"));
        view.reportFailure(endpoint("web-4"));
        assertEquals(Set.of("web-1", "web-2"), view.ejected(), "half of four, by default");
        assertEquals(Set.of("web-3", "web-4"), Set.copyOf(picks(20)));

        registry.remove("web", "web-3");
        registry.remove("web", "web-4");
        Await.until("two endpoints left", () -> view.endpoints().size() == 2, view::toString);
        assertEquals(Set.of("web-1", "web-2"), Set.copyOf(picks(20)), "with every endpoint out, all are offered");
    }

    @Test
    void aSingleEndpointIsNeverEjected() {
        registry.removeTogether("web", "web-2", "web-3", "web-4");
        Await.until("one endpoint left", () -> view.endpoints().size() == 1, view::toString);
        view.reportFailure(endpoint("web-1"));
        assertEquals(Set.of(), view.ejected());
        assertEquals("web-1", view.pick(roundRobin).orElseThrow().id());
    }

    @Test
    void anEndpointThatLeavesAndReturnsStartsClosed() {
        view.reportFailure(endpoint("web-1"));
        registry.remove("web", "web-1");
        Await.until("web-1 gone", () -> view.endpoints().size() == 3, view::toString);
        registry.put("web", "web-1", 8081);
        Await.until("web-1 back", () -> view.endpoints().size() == 4, view::toString);
        assertEquals(Set.of(), view.ejected());
        assertTrue(picks(8).contains("web-1"));
    }

    @Test
    void policyIsValidatedAndComputesItsBounds() {
        CircuitBreakerPolicy p = CircuitBreakerPolicy.defaults();
        assertEquals(Duration.ofSeconds(1), p.ejectionTime(1));
        assertEquals(Duration.ofSeconds(16), p.ejectionTime(5));
        assertEquals(Duration.ofSeconds(30), p.ejectionTime(1000));
        assertEquals(0, p.maxEjected(1));
        assertEquals(1, p.maxEjected(2));
        assertEquals(1, p.maxEjected(3));
        assertEquals(0, new CircuitBreakerPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0).maxEjected(100));
        assertEquals(1, new CircuitBreakerPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.99).maxEjected(2));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreakerPolicy(Duration.ZERO, Duration.ofSeconds(1), 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitBreakerPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitBreakerPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0));
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitBreakerPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Double.NaN));
        assertThrows(IllegalStateException.class,
                () -> MusterClient.builder().circuitBreaker(p).circuitBreaker(p));
        assertThrows(NullPointerException.class, () -> view.reportFailure(null));
    }
}
