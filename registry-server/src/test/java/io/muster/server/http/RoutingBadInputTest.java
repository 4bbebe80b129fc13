package io.muster.server.http;

import static io.muster.server.http.HttpProbe.VALID;
import static io.muster.server.http.HttpProbe.assertError;
import static io.muster.server.http.HttpProbe.assertHandled;
import static io.muster.server.http.HttpProbe.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.http.HttpProbe.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that miss the route table or abuse HTTP itself: unknown routes are a JSON 404, a known path with the
 * wrong method a JSON 405, and what the HTTP codec refuses (huge request lines and headers, garbage) leaves the
 * node serving. None of it moves the catalog. Against the real HTTP API in process ({@link InProcessApi}).
 */
class RoutingBadInputTest {
    private static InProcessApi api;
    private static HttpProbe probe;

    @BeforeAll
    static void start() {
        api = new InProcessApi().start();
        probe = new HttpProbe(api, "web");
        probe.awaitSettled(1);
        probe.register("web", "i1", VALID);
        probe.snapshot();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static Stream<Arguments> unknownRoutes() {
        return Stream.of(
                Arguments.of("GET", "/"),
                Arguments.of("GET", "/v1"),
                Arguments.of("GET", "/v1/"),
                Arguments.of("GET", "/v2/services"),
                Arguments.of("GET", "/v1/servicez"),
                Arguments.of("GET", "/V1/services"),
                Arguments.of("GET", "/v1/services/web/instances"),
                Arguments.of("PUT", "/v1/services/web/instances"),
                Arguments.of("PUT", "/v1/services/web/instances/i1/heartbeat/extra"),
                Arguments.of("PUT", "/v1/services/web/instances/a/b"),
                Arguments.of("DELETE", "/v1/services/web/instances/i1/x/y"),
                Arguments.of("GET", "/v1/services/web/extra"),
                Arguments.of("GET", "/health"),
                Arguments.of("GET", "/health/bogus"),
                Arguments.of("GET", "/metrics/x"),
                Arguments.of("GET", "/v1/cluster/members/n1/x"),
                Arguments.of("GET", "/v1/snapshotz"),
                Arguments.of("GET", "/favicon.ico"),
                Arguments.of("GET", "/" + "x".repeat(6000)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unknownRoutes")
    void unknownRouteIsJsonNotFound(String method, String path) {
        int leader = probe.leader();
        Reply r = method.equals("PUT") ? probe.json(leader, method, path, VALID) : probe.send(leader, method, path, List.of(), null);
        assertError(r, 404, "not_found");
        probe.assertUnchanged(leader);
    }

    static Stream<Arguments> wrongMethods() {
        return Stream.of(
                Arguments.of("GET", "/v1/services/web/instances/i1"),
                Arguments.of("POST", "/v1/services/web/instances/i1"),
                Arguments.of("PATCH", "/v1/services/web/instances/i1"),
                Arguments.of("GET", "/v1/services/web/instances/i1/heartbeat"),
                Arguments.of("POST", "/v1/services/web/instances/i1/heartbeat"),
                Arguments.of("DELETE", "/v1/services/web/instances/i1/heartbeat"),
                Arguments.of("POST", "/v1/services"),
                Arguments.of("DELETE", "/v1/services"),
                Arguments.of("PUT", "/v1/services/web"),
                Arguments.of("DELETE", "/v1/services/web"),
                Arguments.of("PUT", "/v1/cluster"),
                Arguments.of("DELETE", "/v1/cluster"),
                Arguments.of("GET", "/v1/cluster/members"),
                Arguments.of("PUT", "/v1/cluster/members"),
                Arguments.of("GET", "/v1/cluster/members/n1"),
                Arguments.of("POST", "/v1/cluster/members/n1"),
                Arguments.of("GET", "/v1/cluster/leader/transfer"),
                Arguments.of("PUT", "/v1/cluster/leader/transfer"),
                Arguments.of("POST", "/health/live"),
                Arguments.of("DELETE", "/health/ready"),
                Arguments.of("POST", "/metrics"),
                Arguments.of("BREW", "/v1/services"),
                Arguments.of("TRACE", "/v1/services/web/instances/i1"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wrongMethods")
    void wrongMethodIsJsonMethodNotAllowed(String method, String path) {
        int leader = probe.leader();
        Reply r = probe.send(leader, method, path, List.of("Content-Type: application/json"), utf8(VALID));
        assertError(r, 405, "method_not_allowed");
        probe.assertUnchanged(leader);
    }

    @Test
    void dotSegmentsDoNotReachAnotherRoute() {
        int leader = probe.leader();
        for (String path : List.of("/v1/services/web/instances/..", "/v1/services/web/instances/%2e%2e",
                "/v1/services/web/instances/i1/..", "/v1/services/web/instances/.")) {
            Reply r = probe.json(leader, "PUT", path, VALID);
            assertHandled(r, path);
            assertTrue(r.status() >= 400, () -> path + ": " + r);
            Reply d = probe.send(leader, "DELETE", path, List.of(), null);
            assertHandled(d, path);
            assertTrue(d.status() >= 400, () -> path + ": " + d);
        }
        probe.assertUnchanged(leader);
    }

    @Test
    void bodyOverTheLimitIsTooLargeOnAnyRoute() {
        int leader = probe.leader();
        byte[] big = new byte[HttpApi.MAX_BODY + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        for (String[] call : new String[][] {{"PUT", "/v1/services/web/instances/i1/heartbeat"}, {"DELETE", "/v1/services/web/instances/i1"},
                {"GET", "/v1/services"}, {"POST", "/v1/cluster/members"}, {"POST", "/v1/cluster/leader/transfer"}}) {
            Reply r = probe.send(leader, call[0], call[1], List.of("Content-Type: application/json"), big);
            assertError(r, 413, "too_large");
            Reply chunked = probe.send(leader, call[0], call[1],
                    List.of("Content-Type: application/json", "Transfer-Encoding: chunked"), HttpProbe.chunked(big, 8192));
            assertError(chunked, 413, "too_large");
        }
        probe.assertUnchanged(leader);
    }

    @Test
    void overlongRequestLineOrHeadersLeaveTheNodeServing() {
        int leader = probe.leader();
        Reply longLine = probe.send(leader, "GET", "/v1/services/" + "a".repeat(20_000), List.of(), null);
        assertTrue(longLine.status() == 414 || longLine.status() == 400, longLine::toString);
        Reply longHeader = probe.send(leader, "GET", "/v1/services", List.of("X-Junk: " + "j".repeat(40_000)), null);
        assertTrue(longHeader.status() == 431 || longHeader.status() == 400, longHeader::toString);
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add("X-H" + i + ": v");
        }
        Reply manyHeaders = probe.send(leader, "GET", "/v1/services", many, null);
        assertTrue(manyHeaders.status() == 431 || manyHeaders.status() == 400, manyHeaders::toString);
        probe.assertUnchanged(leader);
    }

    @Test
    void garbageOnTheWireLeavesTheNodeServing() {
        int leader = probe.leader();
        List<byte[]> garbage = List.of(
                "GARBAGE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "GET /v1/services HTTP/9.9\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "PUT /v1/services/web/instances/i1 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "PUT /v1/services/web/instances/i1 HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "PUT /v1/services/web/instances/i1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "GET /v1/services HTTP/1.1\r\nBad Header Line\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] g : garbage) {
            try {
                Reply r = probe.exchange(leader, g);
                assertTrue(r.status() >= 400, r::toString);
            } catch (java.io.UncheckedIOException closed) {
                // closing the connection without an answer is an acceptable reply to garbage
            }
        }
        probe.assertUnchanged(leader);
    }

    @Test
    void missingHostHeaderIsJsonBadRequest() {
        int leader = probe.leader();
        byte[] noHost = ("PUT /v1/services/web/instances/i9 HTTP/1.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + VALID.length() + "\r\n\r\n" + VALID).getBytes(StandardCharsets.ISO_8859_1);
        assertError(probe.exchange(leader, noHost), 400, "invalid_argument");
        probe.assertUnchanged(leader);
    }

    @Test
    void rawNonAsciiInPathIsRefused() {
        int leader = probe.leader();
        byte[] request = HttpProbe.request("PUT", "/v1/services/w\u00e9b/instances/i1", List.of("Content-Type: application/json"), utf8(VALID));
        try {
            Reply r = probe.exchange(leader, request);
            assertHandled(r, "raw non-ASCII path");
            assertTrue(r.status() >= 400, r::toString);
        } catch (java.io.UncheckedIOException closed) {
            // refused at the codec
        }
        probe.assertUnchanged(leader);
    }

    /** Method names are client data: the request metrics must not grow a series per invented method. */
    @Test
    void inventedMethodsDoNotGrowTheMetrics() {
        int leader = probe.leader();
        Random random = new Random(7);
        List<String> methods = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StringBuilder m = new StringBuilder("ZQ");
            for (int k = 0; k < 8; k++) {
                m.append((char) ('A' + random.nextInt(26)));
            }
            methods.add(m.toString());
        }
        for (String m : methods) {
            Reply r = probe.send(leader, m, "/v1/services", List.of(), null);
            assertError(r, 405, "method_not_allowed");
            Reply unknown = probe.send(leader, m, "/nowhere/" + m, List.of(), null);
            assertError(unknown, 404, "not_found");
        }
        Reply metrics = probe.get(leader, "/metrics");
        assertEquals(200, metrics.status());
        for (String m : methods) {
            assertFalse(metrics.text().contains(m), () -> "metrics keep a series for method " + m);
        }
        assertFalse(metrics.text().contains("/nowhere/"), "metrics keep a series per unknown path");
    }

    @Test
    void headAndOptionsAreAnsweredWithoutHarm() {
        int leader = probe.leader();
        for (String path : List.of("/v1/services", "/v1/services/web/instances/i1", "/nowhere")) {
            Reply options = probe.send(leader, "OPTIONS", path, List.of(), null);
            assertTrue(options.status() < 500, options::toString);
        }
        probe.assertUnchanged(leader);
    }
}
