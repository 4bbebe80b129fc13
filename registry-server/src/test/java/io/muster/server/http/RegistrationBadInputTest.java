package io.muster.server.http;

import static io.muster.server.http.HttpProbe.VALID;
import static io.muster.server.http.HttpProbe.assertError;
import static io.muster.server.http.HttpProbe.assertInvalid;
import static io.muster.server.http.HttpProbe.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.http.HttpProbe.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code PUT /v1/services/{service}/instances/{id}} with every kind of bad body and name: each gets a 400, 413 or
 * 415 in the contract's shape, naming the field at fault, and leaves the catalog exactly as it was. The target
 * instance exists, so a bad request that slipped through would show as a replaced instance and a moved index.
 * Against the real HTTP API in process ({@link InProcessApi}); the case on a follower is in {@link FollowerBadInputTest}.
 */
class RegistrationBadInputTest {
    private static final String TARGET = "/v1/services/web/instances/i1";
    private static final String REGISTERED = "{\"address\":\"10.0.0.1\",\"port\":8080,\"tags\":[\"primary\"],"
            + "\"metadata\":{\"version\":\"1\"},\"check\":{\"ttl\":\"1h\"}}";
    private static InProcessApi api;
    private static HttpProbe probe;

    @BeforeAll
    static void start() {
        api = new InProcessApi().start();
        probe = new HttpProbe(api, "web");
        probe.awaitSettled(1);
        probe.register("web", "i1", REGISTERED);
        probe.snapshot();
    }

    /** Set by the tests that register on purpose; the next test then compares against the catalog they left. */
    private static boolean mutated;

    @AfterEach
    void resnapshot() {
        if (mutated) {
            mutated = false;
            probe.snapshot();
        }
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static String with(String fields) {
        return "{\"address\":\"10.0.0.1\",\"port\":8080," + fields + "}";
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("unclosed object", "{"),
                Arguments.of("unfinished value", "{\"address\":"),
                Arguments.of("single quotes", "{'address':'10.0.0.1','port':8080}"),
                Arguments.of("trailing comma", "{\"address\":\"10.0.0.1\",\"port\":8080,}"),
                Arguments.of("missing comma", "{\"address\":\"10.0.0.1\" \"port\":8080}"),
                Arguments.of("comment", "{\"address\":\"10.0.0.1\",/* c */\"port\":8080}"),
                Arguments.of("unquoted key", "{address:\"10.0.0.1\",port:8080}"),
                Arguments.of("NaN", with("\"weight\":NaN")),
                Arguments.of("leading zero", "{\"address\":\"10.0.0.1\",\"port\":08080}"),
                Arguments.of("control character in string", "{\"address\":\"10.0.0.1\u0001\",\"port\":8080}"),
                Arguments.of("bad escape", "{\"address\":\"10.0\\x.0.1\",\"port\":8080}"),
                Arguments.of("truncated literal", "nul"),
                Arguments.of("whitespace only", "   \n  "),
                Arguments.of("array", "[]"),
                Arguments.of("array of the object", "[" + VALID + "]"),
                Arguments.of("string", "\"10.0.0.1:8080\""),
                Arguments.of("null", "null"),
                Arguments.of("number", "42"),
                Arguments.of("boolean", "true"),
                Arguments.of("trailing garbage", VALID + " x"),
                Arguments.of("trailing object", VALID + "{}"),
                Arguments.of("trailing bracket", VALID + "]"),
                Arguments.of("trailing comment", VALID + " // done"),
                Arguments.of("two documents", VALID + "\n" + VALID),
                Arguments.of("duplicate key", "{\"address\":\"10.0.0.1\",\"port\":8080,\"port\":9090}"),
                Arguments.of("duplicate metadata key", with("\"metadata\":{\"a\":\"1\",\"a\":\"2\"}")),
                Arguments.of("duplicate check key", with("\"check\":{\"ttl\":\"10s\",\"ttl\":\"20s\"}")),
                Arguments.of("number of 2000 digits", "{\"address\":\"10.0.0.1\",\"port\":" + "9".repeat(2000) + "}"),
                Arguments.of("deep nesting at top level", "[".repeat(5000) + "]".repeat(5000)),
                Arguments.of("deep nesting in metadata", with("\"metadata\":{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}")),
                Arguments.of("deep nesting in check", with("\"check\":{\"x\":" + "{\"a\":".repeat(200) + "1" + "}".repeat(200) + "}")),
                Arguments.of("deep nesting in unknown field", with("\"x\":" + "[".repeat(3000) + "]".repeat(3000))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedOrNonObjectBodyIsRefused(String name, String body) {
        int leader = probe.leader();
        assertInvalid(probe.json(leader, "PUT", TARGET, body));
        probe.assertUnchanged(leader);
    }

    @Test
    void invalidUtf8IsRefused() {
        int leader = probe.leader();
        byte[] head = utf8("{\"address\":\"10.0.0.1\",\"port\":8080,\"metadata\":{\"k\":\"");
        byte[] tail = utf8("\"}}");
        for (byte[] bad : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, (byte) 0x28},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82})) {
            byte[] body = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(bad, 0, body, head.length, bad.length);
            System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
            assertInvalid(probe.send(leader, "PUT", TARGET, List.of("Content-Type: application/json"), body));
        }
        probe.assertUnchanged(leader);
    }

    static Stream<Arguments> badFields() {
        String key129 = "k".repeat(129);
        String key130Bytes = "é".repeat(65);
        String value513 = "v".repeat(513);
        String keys65 = IntStream.range(0, 65).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        String tags33 = IntStream.range(0, 33).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(","));
        return Stream.of(
                // unknown fields: strict parsing names them
                Arguments.of("unknown field", with("\"foo\":1"), "foo"),
                Arguments.of("field in the wrong case", "{\"address\":\"10.0.0.1\",\"Port\":8080}", "Port"),
                Arguments.of("unknown field in check", with("\"check\":{\"ttl\":\"10s\",\"foo\":1}"), "check.foo"),
                // address
                Arguments.of("address missing", "{\"port\":8080}", "address"),
                Arguments.of("address null", "{\"address\":null,\"port\":8080}", "address"),
                Arguments.of("address empty", "{\"address\":\"\",\"port\":8080}", "address"),
                Arguments.of("address a number", "{\"address\":10,\"port\":8080}", "address"),
                Arguments.of("address an array", "{\"address\":[\"10.0.0.1\"],\"port\":8080}", "address"),
                Arguments.of("address with a port", "{\"address\":\"10.0.0.1:80\",\"port\":8080}", "address"),
                Arguments.of("address a URL", "{\"address\":\"http://x\",\"port\":8080}", "address"),
                Arguments.of("address 999.1.1.1", "{\"address\":\"999.1.1.1\",\"port\":8080}", "address"),
                Arguments.of("address 10.0.0.256", "{\"address\":\"10.0.0.256\",\"port\":8080}", "address"),
                Arguments.of("address 1.2.3", "{\"address\":\"1.2.3\",\"port\":8080}", "address"),
                Arguments.of("address leading hyphen", "{\"address\":\"-bad.example\",\"port\":8080}", "address"),
                Arguments.of("address empty label", "{\"address\":\"a..b\",\"port\":8080}", "address"),
                Arguments.of("address underscore", "{\"address\":\"host_name\",\"port\":8080}", "address"),
                Arguments.of("address bad IPv6", "{\"address\":\"1::2::3\",\"port\":8080}", "address"),
                Arguments.of("address IPv6 with zone", "{\"address\":\"fe80::1%eth0\",\"port\":8080}", "address"),
                Arguments.of("address IPv6 non-hex", "{\"address\":\"::g\",\"port\":8080}", "address"),
                Arguments.of("address leading space", "{\"address\":\" 10.0.0.1\",\"port\":8080}", "address"),
                Arguments.of("address newline", "{\"address\":\"10.0.0.1\\n\",\"port\":8080}", "address"),
                Arguments.of("address unicode", "{\"address\":\"bücher.example\",\"port\":8080}", "address"),
                Arguments.of("address label of 64", "{\"address\":\"" + "a".repeat(64) + ".example\",\"port\":8080}", "address"),
                Arguments.of("address of 254", "{\"address\":\"" + "abcdefghi.".repeat(25) + "abcd\",\"port\":8080}", "address"),
                Arguments.of("address of 60000", "{\"address\":\"" + "a".repeat(60_000) + "\",\"port\":8080}", "address"),
                // port
                Arguments.of("port missing", "{\"address\":\"10.0.0.1\"}", "port"),
                Arguments.of("port null", "{\"address\":\"10.0.0.1\",\"port\":null}", "port"),
                Arguments.of("port as string", "{\"address\":\"10.0.0.1\",\"port\":\"8080\"}", "port"),
                Arguments.of("port as float", "{\"address\":\"10.0.0.1\",\"port\":8080.0}", "port"),
                Arguments.of("port as exponent", "{\"address\":\"10.0.0.1\",\"port\":8.08e3}", "port"),
                Arguments.of("port as boolean", "{\"address\":\"10.0.0.1\",\"port\":true}", "port"),
                Arguments.of("port as array", "{\"address\":\"10.0.0.1\",\"port\":[8080]}", "port"),
                Arguments.of("port as object", "{\"address\":\"10.0.0.1\",\"port\":{}}", "port"),
                Arguments.of("port 0", "{\"address\":\"10.0.0.1\",\"port\":0}", "port"),
                Arguments.of("port -1", "{\"address\":\"10.0.0.1\",\"port\":-1}", "port"),
                Arguments.of("port 65536", "{\"address\":\"10.0.0.1\",\"port\":65536}", "port"),
                Arguments.of("port beyond int", "{\"address\":\"10.0.0.1\",\"port\":99999999999}", "port"),
                // tags
                Arguments.of("tags as string", with("\"tags\":\"primary\""), "tags"),
                Arguments.of("tags with a number", with("\"tags\":[1]"), "tags"),
                Arguments.of("tags with null", with("\"tags\":[null]"), "tags"),
                Arguments.of("tags with a boolean", with("\"tags\":[true]"), "tags"),
                Arguments.of("tags with a float", with("\"tags\":[1.5]"), "tags"),
                Arguments.of("tags as object", with("\"tags\":{\"a\":\"b\"}"), "tags"),
                Arguments.of("tag uppercase", with("\"tags\":[\"Primary\"]"), "tags"),
                Arguments.of("tag empty", with("\"tags\":[\"\"]"), "tags"),
                Arguments.of("tag underscore", with("\"tags\":[\"a_b\"]"), "tags"),
                Arguments.of("tag of 64", with("\"tags\":[\"" + "a".repeat(64) + "\"]"), "tags"),
                Arguments.of("tags repeated", with("\"tags\":[\"a\",\"a\"]"), "tags"),
                Arguments.of("33 tags", with("\"tags\":[" + tags33 + "]"), "tags"),
                // metadata
                Arguments.of("metadata value a number", with("\"metadata\":{\"a\":1}"), "metadata"),
                Arguments.of("metadata value a boolean", with("\"metadata\":{\"a\":true}"), "metadata"),
                Arguments.of("metadata value an object", with("\"metadata\":{\"a\":{\"b\":\"c\"}}"), "metadata"),
                Arguments.of("metadata value an array", with("\"metadata\":{\"a\":[\"b\"]}"), "metadata"),
                Arguments.of("metadata value null", with("\"metadata\":{\"a\":null}"), "metadata"),
                Arguments.of("metadata an array", with("\"metadata\":[\"a\"]"), "metadata"),
                Arguments.of("metadata a string", with("\"metadata\":\"a=b\""), "metadata"),
                Arguments.of("metadata empty key", with("\"metadata\":{\"\":\"v\"}"), "metadata"),
                Arguments.of("metadata 65 keys", with("\"metadata\":{" + keys65 + "}"), "metadata"),
                Arguments.of("metadata key of 129 bytes", with("\"metadata\":{\"" + key129 + "\":\"v\"}"), "metadata"),
                Arguments.of("metadata key of 130 UTF-8 bytes", with("\"metadata\":{\"" + key130Bytes + "\":\"v\"}"), "metadata"),
                Arguments.of("metadata value of 513 bytes", with("\"metadata\":{\"k\":\"" + value513 + "\"}"), "metadata"),
                // weight
                Arguments.of("weight 0", with("\"weight\":0"), "weight"),
                Arguments.of("weight 1001", with("\"weight\":1001"), "weight"),
                Arguments.of("weight negative", with("\"weight\":-5"), "weight"),
                Arguments.of("weight as string", with("\"weight\":\"10\""), "weight"),
                Arguments.of("weight as float", with("\"weight\":1.5"), "weight"),
                // check
                Arguments.of("check with ttl and http", with("\"check\":{\"ttl\":\"10s\",\"http\":\"http://x/\",\"interval\":\"10s\",\"timeout\":\"1s\"}"), "check"),
                Arguments.of("check with ttl and tcp", with("\"check\":{\"ttl\":\"10s\",\"tcp\":\"x:1\"}"), "check"),
                Arguments.of("check with neither", with("\"check\":{}"), "check"),
                Arguments.of("check with only deregisterAfter", with("\"check\":{\"deregisterAfter\":\"5m\"}"), "check"),
                Arguments.of("check with only timing", with("\"check\":{\"interval\":\"10s\",\"timeout\":\"1s\"}"), "check"),
                Arguments.of("check as string", with("\"check\":\"10s\""), "check"),
                Arguments.of("check as array", with("\"check\":[]"), "check"),
                Arguments.of("check as number", with("\"check\":10"), "check"),
                Arguments.of("ttl without unit", with("\"check\":{\"ttl\":\"10\"}"), "check.ttl"),
                Arguments.of("ttl negative", with("\"check\":{\"ttl\":\"-1s\"}"), "check.ttl"),
                Arguments.of("ttl in days", with("\"check\":{\"ttl\":\"1d\"}"), "check.ttl"),
                Arguments.of("ttl too small", with("\"check\":{\"ttl\":\"500ms\"}"), "check.ttl"),
                Arguments.of("ttl zero", with("\"check\":{\"ttl\":\"0s\"}"), "check.ttl"),
                Arguments.of("ttl too large", with("\"check\":{\"ttl\":\"25h\"}"), "check.ttl"),
                Arguments.of("ttl as number", with("\"check\":{\"ttl\":10}"), "check.ttl"),
                Arguments.of("ttl null", with("\"check\":{\"ttl\":null}"), "check.ttl"),
                Arguments.of("ttl overflowing", with("\"check\":{\"ttl\":\"9999999999999999h\"}"), "check.ttl"),
                Arguments.of("deregisterAfter too small", with("\"check\":{\"ttl\":\"10s\",\"deregisterAfter\":\"0s\"}"), "check.deregisterAfter"),
                Arguments.of("deregisterAfter bad", with("\"check\":{\"ttl\":\"10s\",\"deregisterAfter\":\"soon\"}"), "check.deregisterAfter"),
                Arguments.of("http check without interval", with("\"check\":{\"http\":\"http://x/\",\"timeout\":\"1s\"}"), "check.interval"),
                Arguments.of("http check with ftp", with("\"check\":{\"http\":\"ftp://x/\",\"interval\":\"10s\",\"timeout\":\"1s\"}"), "check.http"),
                Arguments.of("http check without host", with("\"check\":{\"http\":\"http:///x\",\"interval\":\"10s\",\"timeout\":\"1s\"}"), "check.http"),
                Arguments.of("http check timeout over interval", with("\"check\":{\"http\":\"http://x/\",\"interval\":\"1s\",\"timeout\":\"2s\"}"), "check.timeout"),
                Arguments.of("http check interval too small", with("\"check\":{\"http\":\"http://x/\",\"interval\":\"1ms\",\"timeout\":\"1ms\"}"), "check.interval"),
                Arguments.of("tcp check without port", with("\"check\":{\"tcp\":\"host\",\"interval\":\"10s\",\"timeout\":\"1s\"}"), "check.tcp"),
                Arguments.of("tcp check port 0", with("\"check\":{\"tcp\":\"host:0\",\"interval\":\"10s\",\"timeout\":\"1s\"}"), "check.tcp"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void badFieldIsRefusedByName(String name, String body, String field) {
        int leader = probe.leader();
        assertInvalid(probe.json(leader, "PUT", TARGET, body), field);
        probe.assertUnchanged(leader);
    }

    static Stream<Arguments> badNames() {
        return Stream.of(
                Arguments.of("uppercase service", "/v1/services/Web/instances/i1", "service"),
                Arguments.of("service of 64", "/v1/services/" + "a".repeat(64) + "/instances/i1", "service"),
                Arguments.of("service leading hyphen", "/v1/services/-web/instances/i1", "service"),
                Arguments.of("service trailing hyphen", "/v1/services/web-/instances/i1", "service"),
                Arguments.of("service underscore", "/v1/services/web_1/instances/i1", "service"),
                Arguments.of("service with dot", "/v1/services/web.x/instances/i1", "service"),
                Arguments.of("service encoded slash", "/v1/services/a%2Fb/instances/i1", "service"),
                Arguments.of("service unicode", "/v1/services/w%C3%A9b/instances/i1", "service"),
                Arguments.of("service encoded space", "/v1/services/we%20b/instances/i1", "service"),
                Arguments.of("service encoded NUL", "/v1/services/we%00b/instances/i1", "service"),
                Arguments.of("service of 5000", "/v1/services/" + "a".repeat(5000) + "/instances/i1", "service"),
                Arguments.of("id encoded slash", "/v1/services/web/instances/a%2Fb", "id"),
                Arguments.of("id leading hyphen", "/v1/services/web/instances/-i1", "id"),
                Arguments.of("id leading dot", "/v1/services/web/instances/.i1", "id"),
                Arguments.of("id with space", "/v1/services/web/instances/i%201", "id"),
                Arguments.of("id unicode", "/v1/services/web/instances/%C3%A91", "id"),
                Arguments.of("id of 129", "/v1/services/web/instances/" + "a".repeat(129), "id"),
                Arguments.of("id with at-sign", "/v1/services/web/instances/i@1", "id"),
                Arguments.of("id with encoded newline", "/v1/services/web/instances/i%0A1", "id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNames")
    void badNameInPathIsRefused(String name, String path, String field) {
        int leader = probe.leader();
        assertInvalid(probe.json(leader, "PUT", path, VALID), field);
        probe.assertUnchanged(leader);
    }

    @Test
    void instanceIdWithSlashIsNoRoute() {
        int leader = probe.leader();
        assertError(probe.json(leader, "PUT", "/v1/services/web/instances/a/b", VALID), 404, "not_found");
        probe.assertUnchanged(leader);
    }

    static Stream<Arguments> nonJsonTypes() {
        return Stream.of(
                Arguments.of("text/plain", VALID),
                Arguments.of("text/json", VALID),
                Arguments.of("application/xml", "<instance/>"),
                Arguments.of("application/x-www-form-urlencoded", "address=10.0.0.1&port=8080"),
                Arguments.of("multipart/form-data; boundary=xyz",
                        "--xyz\r\nContent-Disposition: form-data; name=\"address\"\r\n\r\n10.0.0.1\r\n--xyz--\r\n"),
                Arguments.of("application/octet-stream", VALID),
                Arguments.of("application/jsonx", VALID),
                Arguments.of("", VALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonJsonTypes")
    void bodyThatIsNotJsonIsUnsupported(String type, String body) {
        int leader = probe.leader();
        Reply r = probe.send(leader, "PUT", TARGET, List.of("Content-Type: " + type), utf8(body));
        assertError(r, 415, "unsupported_media_type");
        probe.assertUnchanged(leader);
    }

    @Test
    void emptyBodyIsRefused() {
        int leader = probe.leader();
        assertInvalid(probe.send(leader, "PUT", TARGET, List.of("Content-Type: application/json"), new byte[0]));
        assertInvalid(probe.send(leader, "PUT", TARGET, List.of(), new byte[0]));
        assertInvalid(probe.send(leader, "PUT", TARGET, List.of(), null));
        probe.assertUnchanged(leader);
    }

    @Test
    void bodyOverTheLimitIsTooLarge() {
        int leader = probe.leader();
        byte[] big = utf8(with("\"metadata\":{\"k\":" + jsonString("x".repeat(70_000)) + "}"));
        assertError(probe.send(leader, "PUT", TARGET, List.of("Content-Type: application/json"), big), 413, "too_large");

        byte[] oneOver = padded(HttpApi.MAX_BODY + 1);
        assertError(probe.send(leader, "PUT", TARGET, List.of("Content-Type: application/json"), oneOver), 413, "too_large");
        probe.assertUnchanged(leader);
    }

    @Test
    void chunkedBodyOverTheLimitIsTooLarge() {
        int leader = probe.leader();
        byte[] body = padded(200 * 1024);
        Reply r = probe.send(leader, "PUT", TARGET,
                List.of("Content-Type: application/json", "Transfer-Encoding: chunked"), HttpProbe.chunked(body, 4096));
        assertError(r, 413, "too_large");
        probe.assertUnchanged(leader);
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyArrives() {
        int leader = probe.leader();
        byte[] head = HttpProbe.request("PUT", TARGET,
                List.of("Content-Type: application/json", "Content-Length: 100000000"), null);
        assertError(probe.exchange(leader, head), 413, "too_large");
        probe.assertUnchanged(leader);
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() {
        mutated = true;
        int leader = probe.leader();
        Reply r = probe.send(leader, "PUT", "/v1/services/limits/instances/x1",
                List.of("Content-Type: application/json"), padded(HttpApi.MAX_BODY));
        assertEquals(200, r.status(), r::toString);
        Reply chunked = probe.send(leader, "PUT", "/v1/services/limits/instances/x2",
                List.of("Content-Type: application/json", "Transfer-Encoding: chunked"),
                HttpProbe.chunked(padded(HttpApi.MAX_BODY), 1000));
        assertEquals(200, chunked.status(), chunked::toString);
        assertEquals(200, probe.send(leader, "DELETE", "/v1/services/limits/instances/x1", List.of(), null).status());
        assertEquals(200, probe.send(leader, "DELETE", "/v1/services/limits/instances/x2", List.of(), null).status());
    }

    @Test
    void jsonWithoutContentTypeIsAcceptedOnPurpose() {
        mutated = true;
        int leader = probe.leader();
        Reply r = probe.send(leader, "PUT", "/v1/services/untyped/instances/u1", List.of(), utf8(VALID));
        assertEquals(200, r.status(), r::toString);
        assertEquals(200, probe.send(leader, "DELETE", "/v1/services/untyped/instances/u1", List.of(), null).status());
        assertInvalid(probe.send(leader, "PUT", TARGET, List.of(), utf8("{")));
        assertInvalid(probe.send(leader, "PUT", TARGET, List.of(), utf8("address=10.0.0.1")));
    }

    @Test
    void jsonTypeVariantsAreAccepted() {
        mutated = true;
        int leader = probe.leader();
        for (String type : List.of("application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json")) {
            Reply r = probe.send(leader, "PUT", "/v1/services/typed/instances/t1", List.of("Content-Type: " + type), utf8(VALID));
            assertEquals(200, r.status(), () -> type + ": " + r);
        }
        assertEquals(200, probe.send(leader, "DELETE", "/v1/services/typed/instances/t1", List.of(), null).status());
    }

    /**
     * A few hundred random and mutated registrations, from a fixed seed: every answer is a 200 or a JSON 4xx, never a
     * 5xx or a dropped connection, and the one service they target is the only one that may change.
     */
    @Test
    void fuzzedRegistrationsNeverFailTheServer() {
        mutated = true;
        Random random = new Random(20261126L);
        int leader = probe.leader();
        String[] seeds = {REGISTERED, VALID, with("\"weight\":5,\"check\":{\"http\":\"http://192.0.2.1:8080/health\",\"interval\":\"10s\",\"timeout\":\"1s\"}"),
                with("\"check\":{\"tcp\":\"192.0.2.1:8080\",\"interval\":\"5s\",\"timeout\":\"1s\",\"deregisterAfter\":\"5m\"}")};
        int ok = 0;
        for (int n = 0; n < 300; n++) {
            byte[] body = switch (n % 3) {
                case 0 -> mutate(seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8), random);
                case 1 -> randomObject(random).getBytes(StandardCharsets.UTF_8);
                default -> truncate(seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8), random);
            };
            Reply r = probe.send(leader, "PUT", "/v1/services/fuzz/instances/f" + (n % 7),
                    List.of("Content-Type: application/json"), body);
            String what = "fuzz body " + n + ": " + new String(body, StandardCharsets.UTF_8);
            HttpProbe.assertHandled(r, what);
            assertTrue(r.status() == 200 || r.status() == 400, () -> what + " -> " + r);
            ok += r.status() == 200 ? 1 : 0;
        }
        assertTrue(ok > 0, "some fuzzed bodies are valid");
        HttpProbe.Catalog after = probe.catalog();
        assertEquals(probe.baseline().service(), after.service(), "another service changed");
        assertEquals(probe.baseline().serviceIndex(), after.serviceIndex(), "another service's index moved");
        assertEquals(200, probe.get(leader, "/health/live").status());
        // Probes of the fuzzed checks would go on changing the catalog under the tests that follow.
        for (int id = 0; id < 7; id++) {
            Reply gone = probe.send(leader, "DELETE", "/v1/services/fuzz/instances/f" + id, List.of(), new byte[0]);
            assertTrue(gone.status() == 200 || gone.status() == 404, () -> "cleanup: " + gone);
        }
    }

    private static final String[] KEYS = {"address", "port", "tags", "metadata", "weight", "check", "ttl", "http", "tcp",
        "interval", "timeout", "deregisterAfter", "Address", "", "port ", "\u00e9", "__proto__", "constructor"};

    private static String randomObject(Random random) {
        StringBuilder sb = new StringBuilder("{");
        int fields = random.nextInt(8);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(jsonString(KEYS[random.nextInt(KEYS.length)])).append(':').append(randomValue(random, 0));
        }
        return sb.append('}').toString();
    }

    private static String randomValue(Random random, int depth) {
        int pick = random.nextInt(depth > 3 ? 9 : 12);
        return switch (pick) {
            case 0 -> "null";
            case 1 -> String.valueOf(random.nextBoolean());
            case 2 -> String.valueOf(random.nextInt());
            case 3 -> String.valueOf(random.nextInt(70_000));
            case 4 -> String.valueOf(random.nextDouble() * 1e6);
            case 5 -> jsonString(List.of("10.0.0.1", "::1", "host.example", "10s", "1h", "-1s", "10", "primary",
                    "http://x/", "x:1", "", "\u0000", "\ud83d\ude00", "a".repeat(600)).get(random.nextInt(14)));
            case 6 -> "\"" + Long.toString(random.nextLong(), 36) + "\"";
            case 7 -> "1e" + random.nextInt(400);
            case 8 -> "-0";
            case 9 -> "[" + randomValue(random, depth + 1) + "," + randomValue(random, depth + 1) + "]";
            case 10 -> "{" + jsonString(KEYS[random.nextInt(KEYS.length)]) + ":" + randomValue(random, depth + 1) + "}";
            default -> randomObject(random);
        };
    }

    private static final String SYNTAX = "{}[]\":,0-9.eE\\ ntf";

    private static byte[] mutate(byte[] body, Random random) {
        byte[] b = body.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(3)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] = (byte) SYNTAX.charAt(random.nextInt(SYNTAX.length()));
                default -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) "{}[]\",:".charAt(random.nextInt(7));
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
            }
        }
        return b;
    }

    private static byte[] truncate(byte[] body, Random random) {
        return java.util.Arrays.copyOf(body, random.nextInt(body.length));
    }

    /** A valid registration padded with whitespace to exactly {@code size} bytes. */
    private static byte[] padded(int size) {
        byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) ' ');
        System.arraycopy(valid, 0, body, 0, valid.length);
        return body;
    }
}
