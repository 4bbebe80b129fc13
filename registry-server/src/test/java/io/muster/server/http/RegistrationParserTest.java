package io.muster.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RegistrationParser#parse} on its own, no HTTP: the bodies {@link RegistrationBadInputTest} sends are refused
 * here with the same field, and the limits' edges are accepted with the values they name.
 */
class RegistrationParserTest {

    private static InstanceSpec parse(String body) {
        return RegistrationParser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiException refused(String body) {
        return assertThrows(ApiException.class, () -> parse(body), () -> "accepted: " + body);
    }

    private static String with(String fields) {
        return "{\"address\":\"10.0.0.1\",\"port\":8080," + fields + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.muster.server.http.RegistrationBadInputTest#badFields")
    void badFieldIsRefusedByName(String name, String body, String field) {
        ApiException e = refused(body);
        assertEquals(400, e.status(), name);
        assertEquals("invalid_argument", e.code(), name);
        assertEquals(field, e.field(), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.muster.server.http.RegistrationBadInputTest#malformed")
    void malformedOrNonObjectBodyIsRefused(String name, String body) {
        ApiException e = refused(body);
        assertEquals(400, e.status(), name);
        assertEquals("invalid_argument", e.code(), name);
    }

    @Test
    void theSmallestRegistrationGetsTheDefaults() {
        InstanceSpec spec = parse(HttpProbe.VALID);
        assertEquals(new InstanceSpec("10.0.0.1", 8080, List.of(), Map.of(), 1, null), spec);
    }

    @Test
    void everyFieldIsRead() {
        InstanceSpec spec = parse(with("\"tags\":[\"primary\",\"b\"],\"metadata\":{\"version\":\"1\"},\"weight\":7,"
                + "\"check\":{\"ttl\":\"1h\",\"deregisterAfter\":\"5m\"}"));
        assertEquals(List.of("primary", "b"), spec.tags());
        assertEquals(Map.of("version", "1"), spec.metadata());
        assertEquals(7, spec.weight());
        assertEquals(new Check.Ttl(Duration.ofHours(1), Duration.ofMinutes(5)), spec.check());
    }

    @Test
    void theEdgesOfEveryRangeAreAccepted() {
        assertEquals(1, parse("{\"address\":\"10.0.0.1\",\"port\":1}").port());
        assertEquals(65535, parse("{\"address\":\"10.0.0.1\",\"port\":65535}").port());
        assertEquals(1, parse(with("\"weight\":1")).weight());
        assertEquals(1000, parse(with("\"weight\":1000")).weight());
        String tags32 = IntStream.range(0, 32).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(","));
        assertEquals(32, parse(with("\"tags\":[" + tags32 + "]")).tags().size());
        assertEquals(1, parse(with("\"tags\":[\"" + "a".repeat(63) + "\"]")).tags().size());
        String keys64 = IntStream.range(0, 64).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        assertEquals(64, parse(with("\"metadata\":{" + keys64 + "}")).metadata().size());
        assertEquals(1, parse(with("\"metadata\":{\"" + "k".repeat(128) + "\":\"" + "v".repeat(512) + "\"}")).metadata().size());
        assertEquals(1, parse(with("\"metadata\":{\"" + "é".repeat(64) + "\":\"v\"}")).metadata().size());
        assertEquals(new Check.Ttl(Duration.ofSeconds(1), null), parse(with("\"check\":{\"ttl\":\"1s\"}")).check());
        assertEquals(new Check.Ttl(Duration.ofHours(24), null), parse(with("\"check\":{\"ttl\":\"24h\"}")).check());
        assertEquals(new Check.Ttl(Duration.ofHours(1), Duration.ofSeconds(1)),
                parse(with("\"check\":{\"ttl\":\"1h\",\"deregisterAfter\":\"1s\"}")).check());
        assertEquals(new Check.Http("http://x/", Duration.ofMillis(500), Duration.ofMillis(500), null),
                parse(with("\"check\":{\"http\":\"http://x/\",\"interval\":\"500ms\",\"timeout\":\"500ms\"}")).check());
        assertEquals(new Check.Tcp("host:65535", Duration.ofSeconds(10), Duration.ofSeconds(1), null),
                parse(with("\"check\":{\"tcp\":\"host:65535\",\"interval\":\"10s\",\"timeout\":\"1s\"}")).check());
    }

    @Test
    void addressesOfEveryKindAreAccepted() {
        for (String address : List.of("10.0.0.1", "255.255.255.255", "::1", "fe80::1", "2001:db8::8:800:200c:417a",
                "host", "host.example", "host.example.", "a-b.c", "a".repeat(63) + ".example",
                "abcdefghi.".repeat(25) + "abc")) {
            String body = "{\"address\":\"" + address + "\",\"port\":1}";
            InstanceSpec spec = org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> parse(body), address);
            assertEquals(address, spec.address(), address);
        }
    }

    @Test
    void aRefusalNamesNoFieldWhenTheBodyIsNotAnObject() {
        assertNull(refused("[]").field());
        assertNull(refused("{").field());
    }

    @Test
    void theCheckKindIsTheOneItsFieldsName() {
        assertInstanceOf(Check.Ttl.class, parse(with("\"check\":{\"ttl\":\"10s\"}")).check());
        assertInstanceOf(Check.Http.class, parse(with("\"check\":{\"http\":\"https://x:8443/h\",\"interval\":\"10s\",\"timeout\":\"1s\"}")).check());
        assertInstanceOf(Check.Tcp.class, parse(with("\"check\":{\"tcp\":\"[::1]:80\",\"interval\":\"10s\",\"timeout\":\"1s\"}")).check());
    }
}
