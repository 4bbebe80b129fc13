package io.muster.server.http;

import static io.muster.server.http.HttpProbe.assertError;
import static io.muster.server.http.HttpProbe.assertInvalid;
import static io.muster.server.http.HttpProbe.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.server.http.HttpProbe.Reply;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code PUT .../heartbeat} and {@code DELETE .../instances/{id}} with bad bodies and names. A refused heartbeat
 * must not apply half of itself: {@code {"status": "critical", "bogus": 1}} leaves the instance passing, which the
 * unchanged index shows. Against the real HTTP API in process ({@link InProcessApi}); the follower cases are in
 * {@link FollowerBadInputTest}.
 */
class HeartbeatBadInputTest {
    private static final String HEARTBEAT = "/v1/services/web/instances/hb1/heartbeat";
    private static InProcessApi api;
    private static HttpProbe probe;

    @BeforeAll
    static void start() {
        api = new InProcessApi().start();
        probe = new HttpProbe(api, "web");
        probe.awaitSettled(1);
        probe.register("web", "hb1", "{\"address\":\"10.0.0.1\",\"port\":8080,\"check\":{\"ttl\":\"1h\"}}");
        probe.register("web", "plain", "{\"address\":\"10.0.0.2\",\"port\":8080}");
        probe.snapshot();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("unclosed", "{", null),
                Arguments.of("array", "[]", null),
                Arguments.of("string", "\"passing\"", null),
                Arguments.of("null", "null", null),
                Arguments.of("number", "1", null),
                Arguments.of("trailing garbage", "{\"status\":\"passing\"} x", null),
                Arguments.of("deep nesting", "[".repeat(3000) + "]".repeat(3000), null),
                Arguments.of("duplicate key", "{\"status\":\"passing\",\"status\":\"critical\"}", "status"),
                Arguments.of("unknown field", "{\"status\":\"passing\",\"bogus\":1}", "bogus"),
                Arguments.of("critical plus unknown field", "{\"status\":\"critical\",\"bogus\":1}", "bogus"),
                Arguments.of("status upper case", "{\"status\":\"PASSING\"}", "status"),
                Arguments.of("status unknown", "{\"status\":\"ok\"}", "status"),
                Arguments.of("status empty", "{\"status\":\"\"}", "status"),
                Arguments.of("status a number", "{\"status\":1}", "status"),
                Arguments.of("status a boolean", "{\"status\":true}", "status"),
                Arguments.of("status an array", "{\"status\":[\"passing\"]}", "status"),
                Arguments.of("note a number", "{\"note\":5}", "note"),
                Arguments.of("note an object", "{\"note\":{}}", "note"),
                Arguments.of("note too long", "{\"status\":\"warning\",\"note\":\"" + "n".repeat(1025) + "\"}", "note"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badHeartbeatBodyIsRefused(String name, String body, String field) {
        int leader = probe.leader();
        Reply r = probe.json(leader, "PUT", HEARTBEAT, body);
        if (field == null) {
            assertInvalid(r);
        } else {
            assertInvalid(r, field);
        }
        probe.assertUnchanged(leader);
    }

    @Test
    void heartbeatThatIsNotJsonIsUnsupported() {
        int leader = probe.leader();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
            Reply r = probe.send(leader, "PUT", HEARTBEAT, List.of("Content-Type: " + type), utf8("{\"status\":\"critical\"}"));
            assertError(r, 415, "unsupported_media_type");
        }
        probe.assertUnchanged(leader);
    }

    @Test
    void heartbeatOverTheLimitIsTooLarge() {
        int leader = probe.leader();
        byte[] big = utf8("{\"status\":\"critical\",\"note\":\"" + "n".repeat(70_000) + "\"}");
        assertError(probe.send(leader, "PUT", HEARTBEAT, List.of("Content-Type: application/json"), big), 413, "too_large");
        assertError(probe.send(leader, "PUT", HEARTBEAT, List.of("Content-Type: application/json", "Transfer-Encoding: chunked"),
                HttpProbe.chunked(big, 1000)), 413, "too_large");
        probe.assertUnchanged(leader);
    }

    @Test
    void heartbeatWithBadNamesIsRefused() {
        int leader = probe.leader();
        assertInvalid(probe.send(leader, "PUT", "/v1/services/Web/instances/hb1/heartbeat", List.of(), null), "service");
        assertInvalid(probe.send(leader, "PUT", "/v1/services/we%2Fb/instances/hb1/heartbeat", List.of(), null), "service");
        assertInvalid(probe.send(leader, "PUT", "/v1/services/web/instances/-hb1/heartbeat", List.of(), null), "id");
        assertInvalid(probe.send(leader, "PUT", "/v1/services/web/instances/h%2Fb1/heartbeat", List.of(), null), "id");
        assertInvalid(probe.send(leader, "PUT", "/v1/services/web/instances/" + "h".repeat(129) + "/heartbeat", List.of(), null), "id");
        probe.assertUnchanged(leader);
    }

    @Test
    void heartbeatForAnUnknownOrUncheckedInstanceIsNotFound() {
        int leader = probe.leader();
        assertError(probe.send(leader, "PUT", "/v1/services/web/instances/nobody/heartbeat", List.of(), null), 404, "not_found");
        assertError(probe.send(leader, "PUT", "/v1/services/nothing/instances/hb1/heartbeat", List.of(), null), 404, "not_found");
        assertError(probe.send(leader, "PUT", "/v1/services/web/instances/plain/heartbeat", List.of(), null), 404, "not_found");
        probe.assertUnchanged(leader);
    }

    @Test
    void validHeartbeatsStillWorkAndDoNotMoveTheIndex() {
        int leader = probe.leader();
        assertEquals(200, probe.send(leader, "PUT", HEARTBEAT, List.of(), null).status());
        assertEquals(200, probe.json(leader, "PUT", HEARTBEAT, "{}").status());
        assertEquals(200, probe.json(leader, "PUT", HEARTBEAT, "{\"status\":\"passing\",\"note\":\"ok\"}").status());
        assertEquals(200, probe.send(leader, "PUT", HEARTBEAT, List.of("Content-Type: text/plain"), new byte[0]).status());
        probe.assertUnchanged(leader);
    }

    @Test
    void deregisterWithBadNamesIsRefused() {
        int leader = probe.leader();
        assertInvalid(probe.send(leader, "DELETE", "/v1/services/Web/instances/hb1", List.of(), null), "service");
        assertInvalid(probe.send(leader, "DELETE", "/v1/services/" + "w".repeat(64) + "/instances/hb1", List.of(), null), "service");
        assertInvalid(probe.send(leader, "DELETE", "/v1/services/web/instances/hb%2F1", List.of(), null), "id");
        assertInvalid(probe.send(leader, "DELETE", "/v1/services/web/instances/.hb1", List.of(), null), "id");
        assertInvalid(probe.send(leader, "DELETE", "/v1/services/web/instances/h%C3%A9", List.of(), null), "id");
        probe.assertUnchanged(leader);
    }

    @Test
    void deregisterOfAnUnknownInstanceIsNotFound() {
        int leader = probe.leader();
        assertError(probe.send(leader, "DELETE", "/v1/services/web/instances/nobody", List.of(), null), 404, "not_found");
        assertError(probe.send(leader, "DELETE", "/v1/services/nothing/instances/hb1", List.of(), null), 404, "not_found");
        probe.assertUnchanged(leader);
    }
}
