package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the built-in pickers spread calls. */
class PickerTest {

    private static Endpoint endpoint(String id, int weight) {
        return new Endpoint(id, "10.0.0.1", 8080, List.of(), Map.of(), weight);
    }

    private static final List<Endpoint> THREE = List.of(endpoint("a", 1), endpoint("b", 1), endpoint("c", 1));

    private static Map<String, Integer> draw(Picker picker, List<Endpoint> endpoints, int times) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < times; i++) {
            counts.merge(picker.pick(endpoints).orElseThrow().id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void everyPickerAnswersEmptyForNoEndpoints() {
        for (Picker picker : List.of(Picker.roundRobin(), Picker.random(), Picker.weighted())) {
            assertEquals(Optional.empty(), picker.pick(List.of()));
        }
    }

    @Test
    void roundRobinVisitsEachEndpointInTurn() {
        Picker picker = Picker.roundRobin();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            order.add(picker.pick(THREE).orElseThrow().id());
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c", "a"), order);
    }

    @Test
    void roundRobinIsExactlyEvenUnderConcurrentCallers() throws Exception {
        Picker picker = Picker.roundRobin();
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 3000; i++) {
                    counts.computeIfAbsent(picker.pick(THREE).orElseThrow().id(), k -> new AtomicInteger())
                            .incrementAndGet();
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        counts.values().forEach(c -> assertEquals(4000, c.get()));
    }

    @Test
    void randomCoversEveryEndpointRoughlyEvenly() {
        Map<String, Integer> counts = draw(Picker.random(new Random(42)), THREE, 30_000);
        for (String id : List.of("a", "b", "c")) {
            int c = counts.getOrDefault(id, 0);
            assertTrue(c > 9_000 && c < 11_000, id + " drawn " + c + " times of 30000");
        }
    }

    @Test
    void weightedFollowsTheWeights() {
        List<Endpoint> endpoints = List.of(endpoint("light", 1), endpoint("medium", 3), endpoint("heavy", 6));
        Map<String, Integer> counts = draw(Picker.weighted(new Random(7)), endpoints, 50_000);

        assertShare(counts, "light", 0.1, 50_000);
        assertShare(counts, "medium", 0.3, 50_000);
        assertShare(counts, "heavy", 0.6, 50_000);
    }

    @Test
    void weightedWithTheDefaultRandomStillNeverPicksAZeroShare() {
        List<Endpoint> endpoints = List.of(endpoint("only", 1000), endpoint("rare", 1));
        Map<String, Integer> counts = draw(Picker.weighted(), endpoints, 10_000);
        assertTrue(counts.get("only") > 9_900, counts.toString());
    }

    @Test
    void aViewPicksAmongItsEndpoints() throws Exception {
        try (FakeRegistry registry = FakeRegistry.start();
                MusterClient client = TestClients.fast(registry.address()).build()) {
            registry.put("web", "web-1", 8080);
            registry.put("web", "web-2", 8080);
            ServiceView view = client.serviceView("web");
            assertTrue(view.awaitReady(Await.DEFAULT));

            Picker picker = Picker.roundRobin();
            assertEquals("web-1", view.pick(picker).orElseThrow().id());
            assertEquals("web-2", view.pick(picker).orElseThrow().id());
            assertEquals(Optional.empty(), client.serviceView("none").pick(picker));
        }
    }

    private static void assertShare(Map<String, Integer> counts, String id, double expected, int total) {
        double share = counts.getOrDefault(id, 0) / (double) total;
        assertTrue(Math.abs(share - expected) < 0.02, id + " got share " + share + ", expected about " + expected);
    }
}
