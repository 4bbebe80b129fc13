package io.muster.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The check scheduler on fake time: a real catalog behind a fake log, fake probes answering what each test says,
 * fake membership, and a monotonic ticker the test moves (the scheduler has no wall clock to be stepped).
 */
class CheckSchedulerTest {
    private final Catalog catalog = new Catalog();
    private final Map<String, Status> answers = new HashMap<>();
    private final Map<String, Integer> probes = new HashMap<>();
    /** Probes held open (never answered) while true: they keep their concurrency slots. */
    private boolean hang;
    private final List<CompletableFuture<ProbeResult>> hanging = new ArrayList<>();
    private List<String> live = List.of("n1");
    private boolean serving = true;
    private long now = 1_000_000_000L;
    private long index;
    private CheckScheduler scheduler = build(new CheckSettings(3, 2, 256, Duration.ofSeconds(3), Duration.ofMillis(200)));

    private CheckScheduler build(CheckSettings settings) {
        CheckMembers members = new CheckMembers() {
            @Override
            public void lead(long at) {
            }

            @Override
            public List<String> current() {
                return live;
            }

            @Override
            public Optional<String> notServing(List<String> l, boolean servingNow) {
                return serving ? Optional.empty() : Optional.of("told not to");
            }

            @Override
            public void stoppedServing() {
            }
        };
        Probe probe = check -> {
            String target = check instanceof Check.Http h ? h.http() : ((Check.Tcp) check).tcp();
            probes.merge(target, 1, Integer::sum);
            if (hang) {
                CompletableFuture<ProbeResult> f = new CompletableFuture<>();
                hanging.add(f);
                return f;
            }
            Status s = answers.getOrDefault(target, Status.PASSING);
            return CompletableFuture.completedFuture(new ProbeResult(s, s.wireName()));
        };
        return new CheckScheduler("n1", catalog, members, probe, this::apply, settings, () -> now,
                new SimpleMeterRegistry(), null, Runnable::run);
    }

    private CompletableFuture<?> apply(List<Command> commands) {
        return CompletableFuture.completedFuture(catalog.apply(++index, new Entry(now, commands)));
    }

    private void registerHttp(String id, Duration interval) {
        apply(List.of(new Command.Register("web", id, new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1,
                new Check.Http("http://" + id + "/", interval, Duration.ofSeconds(1), null)))));
    }

    private void advance(long ms) {
        for (long t = 0; t < ms; t += CheckScheduler.TICK_MS) {
            now += CheckScheduler.TICK_MS;
            scheduler.tick();
        }
    }

    private Status status(String id) {
        return catalog.instance("web", id).orElseThrow().status();
    }

    @Test
    void eachInstanceIsProbedOncePerInterval() {
        registerHttp("a", Duration.ofSeconds(1));
        registerHttp("b", Duration.ofSeconds(2));
        advance(20_000);
        int a = probes.get("http://a/");
        int b = probes.get("http://b/");
        assertTrue(a >= 19 && a <= 21, "a probed " + a + " times in 20 s");
        assertTrue(b >= 9 && b <= 11, "b probed " + b + " times in 20 s");
    }

    @Test
    void statusChangesOnlyAfterAgreeingResults() {
        registerHttp("a", Duration.ofSeconds(1));
        advance(1_500);
        assertEquals(Status.PASSING, status("a"), "a new instance passes on its first passing result");
        answers.put("http://a/", Status.CRITICAL);
        advance(2_000);
        assertEquals(Status.PASSING, status("a"), "two failures are not yet three");
        advance(1_400);
        assertEquals(Status.CRITICAL, status("a"));
        answers.put("http://a/", Status.PASSING);
        advance(1_000);
        assertEquals(Status.CRITICAL, status("a"), "one success is not yet two");
        advance(1_400);
        assertEquals(Status.PASSING, status("a"));
    }

    @Test
    void onlyTheInstancesThisMemberOwnsAreProbed() {
        live = List.of("n1", "n2");
        Rendezvous ring = Rendezvous.over(live);
        for (int i = 0; i < 20; i++) {
            registerHttp("i" + i, Duration.ofSeconds(1));
        }
        advance(3_000);
        for (int i = 0; i < 20; i++) {
            boolean mine = ring.owns("n1", "web/i" + i);
            assertEquals(mine, probes.containsKey("http://i" + i + "/"), "i" + i + " owned by n1: " + mine);
        }
        assertTrue(scheduler.assigned() > 0 && scheduler.assigned() < 20);
    }

    @Test
    void aMemberThatMayNotServeProbesNothing() {
        serving = false;
        registerHttp("a", Duration.ofSeconds(1));
        advance(5_000);
        assertTrue(probes.isEmpty());
        serving = true;
        advance(1_500);
        assertTrue(probes.getOrDefault("http://a/", 0) >= 1);
    }

    @Test
    void probesBeyondTheConcurrencyCapWaitForASlot() {
        CheckSchedulerTest capped = new CheckSchedulerTest();
        capped.scheduler = capped.build(new CheckSettings(3, 2, 2, Duration.ofSeconds(3), Duration.ofMillis(200)));
        capped.hang = true;
        for (int i = 0; i < 5; i++) {
            capped.registerHttp("h" + i, Duration.ofSeconds(1));
        }
        capped.advance(3_000);
        assertEquals(2, capped.hanging.size(), "two probes in flight, the rest wait");
        capped.hang = false;
        capped.hanging.forEach(f -> f.complete(new ProbeResult(Status.PASSING, "ok")));
        capped.advance(3_000);
        assertEquals(5, capped.probes.size(), "the waiting ones ran once slots freed");
    }
}
