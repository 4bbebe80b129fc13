package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.OutageTest.MovableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A view leaves a member that has lost its leader for longer than the bound, reports the member's lag meanwhile,
 * and counts staleness as the age of its data, not as the time since the registry last had news (issue 15,
 * defect 8). Time is a {@link MovableClock}; nothing here waits on the wall clock to assert.
 */
class LeaderLossTest {

    private static List<String> ids(ServiceView view) {
        return view.endpoints().stream().map(Endpoint::id).toList();
    }

    @Test
    void viewMovesOffAFollowerCutOffFromItsLeader() throws Exception {
        // a: an isolated follower that still answers 200 with its frozen state; b: the healthy majority.
        try (FakeRegistry a = FakeRegistry.start(); FakeRegistry b = FakeRegistry.start()) {
            a.put("web", "web-1", 8080);
            a.leader(false, 20_000);
            b.put("web", "web-1", 8080);
            b.put("web", "web-2", 8080);
            MovableClock clock = new MovableClock();
            try (MusterClient client = TestClients.fast(a.address(), b.address()).clock(clock)
                    .leaderLossBound(Duration.ofSeconds(1)).build()) {
                ServiceView view = client.serviceView("web");

                Await.until("the view on the healthy member", () -> ids(view).equals(List.of("web-1", "web-2"))
                        && !view.isStale(), view::toString);
                assertTrue(b.countRequests("GET /v1/services/web?") >= 1);
            }
        }
    }

    @Test
    void viewOnADeposedLeaderReportsItsAgeAndGoesStalePastTheBound() throws Exception {
        // A deposed leader says it knows no leader but reports Last-Contact 0: the view counts the loss itself.
        try (FakeRegistry a = FakeRegistry.start()) {
            a.put("web", "web-1", 8080);
            a.leader(false, 0);
            MovableClock clock = new MovableClock();
            try (MusterClient client = TestClients.fast(a.address()).clock(clock)
                    .leaderLossBound(Duration.ofMillis(300)).build()) {
                ServiceView view = client.serviceView("web");
                assertTrue(view.awaitReady(Await.DEFAULT));
                List<String> before = a.requests();

                clock.advance(Duration.ofSeconds(10));

                Await.until("stale past the bound", view::isStale, view::toString);
                assertEquals(Duration.ofSeconds(10), view.staleness(), "the data is as old as the leader loss");
                assertEquals(List.of("web-1"), ids(view), "the last endpoints are still served");
                // Staleness is read off the clock, so the view turns stale before its next request goes out: wait for it.
                Await.until("the member asked again", () -> a.requests().size() > before.size(), () -> a.requests().toString());

                a.leader(true, 0);
                Await.until("fresh once the member has a leader again", () -> !view.isStale(), view::toString);
                Await.until("fresh", () -> view.staleness().isZero(), () -> view.staleness().toString());
            }
        }
    }

    @Test
    void followerLagBelowTheBoundIsReportedAsStaleness() throws Exception {
        try (FakeRegistry a = FakeRegistry.start()) {
            a.put("web", "web-1", 8080);
            a.leader(true, 700);
            MovableClock clock = new MovableClock();
            try (MusterClient client = TestClients.fast(Duration.ofSeconds(20), a.address()).clock(clock)
                    .leaderLossBound(Duration.ofSeconds(5)).build()) {
                ServiceView view = client.serviceView("web");
                assertTrue(view.awaitReady(Await.DEFAULT));
                Await.until("a parked blocking query", () -> a.countRequests("GET /v1/services/web?") >= 2,
                        () -> a.requests().toString());

                assertEquals(Duration.ofMillis(700), view.staleness(), "the member's own lag, however quiet");
                assertFalse(view.isStale());
            }
        }
    }

    @Test
    void viewParkedOnAHealthyMemberIsFreshHoweverQuietTheRegistry() throws Exception {
        try (FakeRegistry a = FakeRegistry.start()) {
            a.put("web", "web-1", 8080);
            MovableClock clock = new MovableClock();
            try (MusterClient client = TestClients.fast(Duration.ofSeconds(20), a.address()).clock(clock).build()) {
                ServiceView view = client.serviceView("web");
                assertTrue(view.awaitReady(Await.DEFAULT));
                Await.until("a parked blocking query", () -> a.countRequests("GET /v1/services/web?") >= 2,
                        () -> a.requests().toString());

                clock.advance(Duration.ofSeconds(15));

                assertEquals(Duration.ZERO, view.staleness(), "a parked query on a healthy member would hear any change");

                a.stop();
                Await.until("stale", view::isStale, view::toString);
                assertEquals(Duration.ofSeconds(15), view.staleness(), "once the member is gone, since it last confirmed");
            }
        }
    }
}
