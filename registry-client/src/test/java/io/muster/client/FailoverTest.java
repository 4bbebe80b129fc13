package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client given several members keeps working while one of them is down, refusing, or failing. */
class FailoverTest {

    private FakeRegistry second;

    @BeforeEach
    void setUp() throws Exception {
        second = FakeRegistry.start();
    }

    @AfterEach
    void tearDown() {
        second.close();
    }

    private static Registration web(String id) {
        return Registration.builder("web", id).address("10.0.0.9").port(8080).ttl(Duration.ofMillis(300)).build();
    }

    @Test
    void registersAndHeartbeatsThroughTheSecondMemberWhenTheFirstRefusesConnections() throws Exception {
        try (MusterClient client = TestClients.fast(FakeRegistry.deadAddress(), second.address()).build()) {
            RegistrationHandle handle = client.register(web("web-1"));

            assertNotNull(second.instance("web", "web-1"));
            Await.until("heartbeats on the second member", () -> second.heartbeats("web-1") >= 3, () -> "");
            handle.close();
            assertEquals(null, second.instance("web", "web-1"));
        }
    }

    @Test
    void viewReadsFromTheSecondMemberWhenTheFirstRefusesConnections() throws Exception {
        second.put("web", "web-1", 8080);
        try (MusterClient client = TestClients.fast(FakeRegistry.deadAddress(), second.address()).build()) {
            ServiceView view = client.serviceView("web");

            assertTrue(view.awaitReady(Await.DEFAULT));
            assertEquals(1, view.endpoints().size());
            assertFalse(view.isStale(), "one member answering is enough");
            second.put("web", "web-2", 8080);
            Await.until("changes via the second member", () -> view.endpoints().size() == 2, view::toString);
        }
    }

    @Test
    void failsOverOnServerErrorsAndOnNoLeader() throws Exception {
        try (FakeRegistry first = FakeRegistry.start();
                MusterClient client = TestClients.fast(first.address(), second.address()).build()) {
            first.misbehave(FakeRegistry.Mode.ERROR_500);
            client.register(web("web-1"));
            assertNotNull(second.instance("web", "web-1"), "500 from the first member");
            assertEquals(1, first.countRequests("PUT /v1/services/web/instances/web-1"));

            // The client now prefers the second member; make that one fail so it must come back to the first.
            first.misbehave(FakeRegistry.Mode.NORMAL);
            second.misbehave(FakeRegistry.Mode.UNAVAILABLE);
            client.register(web("web-2"));
            assertNotNull(first.instance("web", "web-2"), "503 no_leader from the second member");
        }
    }

    @Test
    void viewMovesToAnotherMemberWhenItsMemberDiesMidWay() throws Exception {
        FakeRegistry first = FakeRegistry.start();
        try (MusterClient client = TestClients.fast(first.address(), second.address()).build()) {
            first.put("web", "web-1", 8080);
            second.put("web", "web-1", 8080);
            ServiceView view = client.serviceView("web");
            assertTrue(view.awaitReady(Await.DEFAULT));

            first.stop();
            second.put("web", "web-2", 8080);

            Await.until("the view follows the second member", () -> view.endpoints().size() == 2, view::toString);
            assertEquals(List.of("web-1", "web-2"), view.endpoints().stream().map(Endpoint::id).toList());
        } finally {
            first.close();
        }
    }
}
