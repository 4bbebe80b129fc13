package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registering, heartbeating, coming back after the registry forgot us, and leaving on close. */
class RegistrationTest {

    private FakeRegistry registry;
    private MusterClient client;

    @BeforeEach
    void setUp() throws Exception {
        registry = FakeRegistry.start();
        client = TestClients.fast(registry.address()).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        registry.close();
    }

    private static Registration web(String id) {
        return Registration.builder("web", id)
                .address("10.1.2.3")
                .port(8080)
                .tags("primary", "eu")
                .metadata("version", "2.1.0")
                .weight(10)
                .ttl(Duration.ofMillis(300))
                .deregisterAfter(Duration.ofMinutes(5))
                .build();
    }

    @Test
    void registerSendsTheContractBody() {
        RegistrationHandle handle = client.register(web("web-1"));

        FakeRegistry.Instance stored = registry.instance("web", "web-1");
        assertNotNull(stored, "instance registered");
        JsonNode body = stored.body();
        assertEquals("10.1.2.3", body.path("address").asText());
        assertEquals(8080, body.path("port").asInt());
        assertEquals(List.of("primary", "eu"), List.of(body.path("tags").get(0).asText(), body.path("tags").get(1).asText()));
        assertEquals("2.1.0", body.path("metadata").path("version").asText());
        assertEquals(10, body.path("weight").asInt());
        assertEquals("300ms", body.path("check").path("ttl").asText());
        assertEquals("5m", body.path("check").path("deregisterAfter").asText());
        assertTrue(handle.index() > 0, "index from the answer");
        assertTrue(handle.lastRenewal().isPresent());
        assertTrue(handle.isOpen());
    }

    @Test
    void heartbeatsArriveWellInsideTheTtl() {
        client.register(web("web-1"));

        // TTL 300ms, so a beat every ~100ms: five beats take ~0.5s on a quiet machine.
        Await.until("5 heartbeats", () -> registry.heartbeats("web-1") >= 5, () -> registry.requests().toString());
        assertTrue(registry.requests().stream()
                .anyMatch(r -> r.equals("PUT /v1/services/web/instances/web-1/heartbeat")));
    }

    @Test
    void heartbeatAnsweredNotFoundRegistersAgain() {
        RegistrationHandle handle = client.register(web("web-1"));
        assertEquals(1, registry.registrations("web-1"));

        assertTrue(registry.remove("web", "web-1"), "simulated expiry");

        Await.until("re-registration", () -> registry.instance("web", "web-1") != null,
                () -> registry.requests().toString());
        assertEquals(2, registry.registrations("web-1"));
        Await.until("handle counts it", () -> handle.reregistrations() == 1, () -> "" + handle.reregistrations());
        int before = registry.heartbeats("web-1");
        Await.until("heartbeats resume", () -> registry.heartbeats("web-1") > before, () -> "");
    }

    /**
     * Issue 15, defect 9: a DELETE whose outcome was unknown (applied, answer lost) is retried; the retry answers 404,
     * which means the first attempt did it. Deregistering must count that as done, not as a failure.
     */
    @Test
    void aRetriedDeleteThatAnswers404IsDone() {
        RegistrationHandle handle = client.register(web("web-1"));
        Await.until("a heartbeat", () -> registry.heartbeats("web-1") >= 1, () -> "");
        registry.loseNextDeleteAnswer();

        handle.deregister();

        assertNull(registry.instance("web", "web-1"), "deleted");
        assertEquals(2, registry.deletes("web-1"), "the lost answer was retried once");
        assertFalse(handle.isOpen());
    }

    @Test
    void closingTheHandleDeregistersAndStopsHeartbeats() {
        RegistrationHandle handle = client.register(web("web-1"));
        Await.until("a heartbeat", () -> registry.heartbeats("web-1") >= 1, () -> "");

        handle.close();

        assertFalse(handle.isOpen());
        assertNull(registry.instance("web", "web-1"), "deleted");
        assertEquals(1, registry.deletes("web-1"));
        int beats = registry.heartbeats("web-1");
        FakeRegistry.sleep(400);
        assertEquals(beats, registry.heartbeats("web-1"), "no heartbeat after close");
        assertEquals(1, registry.registrations("web-1"), "no re-registration after close");
        handle.close();
        assertEquals(1, registry.deletes("web-1"), "close is idempotent");
    }

    @Test
    void closingTheClientDeregistersEveryInstance() {
        client.register(web("web-1"));
        client.register(web("web-2"));

        client.close();
        client.close();

        assertNull(registry.instance("web", "web-1"));
        assertNull(registry.instance("web", "web-2"));
        assertThrows(IllegalStateException.class, () -> client.register(web("web-3")));
        assertThrows(IllegalStateException.class, () -> client.serviceView("web"));
    }

    @Test
    void aRefusedRegistrationNamesTheRegistrysError() {
        Registration bad = Registration.builder("web", "web-1").address("reject.invalid").port(80).build();

        MusterException e = assertThrows(MusterException.class, () -> client.register(bad));

        assertEquals(400, e.status());
        assertEquals("invalid_argument", e.code().orElseThrow());
        assertEquals("address", e.field().orElseThrow());
        // The failed registration must not block a corrected one.
        client.register(web("web-1"));
    }

    @Test
    void registeringTheSameInstanceTwiceIsRefused() {
        client.register(web("web-1"));
        assertThrows(IllegalStateException.class, () -> client.register(web("web-1")));
    }

    @Test
    void registrationWhileEveryMemberIsDownFailsWithUnavailable() {
        registry.stop();

        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> client.register(web("web-1")));
        assertNotNull(e.getCause());
    }

    @Test
    void heartbeatsSurviveAnOutageAndReRegisterAfterIt() throws Exception {
        RegistrationHandle handle = client.register(web("web-1"));
        registry.stop();
        // Meanwhile the registry "expires" the instance: it is gone when the registry comes back.
        registry.remove("web", "web-1");
        FakeRegistry.sleep(400);
        registry.restart();

        Await.until("re-registered after the outage", () -> registry.instance("web", "web-1") != null,
                () -> registry.requests().toString());
        assertTrue(handle.isOpen());
        Map<String, String> metadata = registry.instance("web", "web-1").metadata();
        assertEquals("2.1.0", metadata.get("version"));
    }
}
