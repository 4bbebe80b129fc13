package io.muster.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.muster.client.Endpoint;
import io.muster.client.Registration;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire format: Go-style durations out, the registry's answers in, bad answers rejected whole. */
class WireFormatTest {

    private static HttpTransport.Response answer(String body, Map<String, List<String>> headers) {
        return new HttpTransport.Response(URI.create("http://127.0.0.1:1"), 200, HttpHeaders.of(headers, (a, b) -> true),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void durationsUseTheLargestExactUnit() {
        assertEquals("500ms", GoDurations.format(Duration.ofMillis(500)));
        assertEquals("10s", GoDurations.format(Duration.ofSeconds(10)));
        assertEquals("90s", GoDurations.format(Duration.ofSeconds(90)));
        assertEquals("5m", GoDurations.format(Duration.ofMinutes(5)));
        assertEquals("1h", GoDurations.format(Duration.ofHours(1)));
        assertEquals("1500ms", GoDurations.format(Duration.ofMillis(1500)));
        assertEquals("1ms", GoDurations.format(Duration.ofNanos(1)));
        assertEquals("0s", GoDurations.format(Duration.ZERO));
    }

    @Test
    void registrationBodyLeavesOutAnUnsetDeregisterAfter() {
        Registration r = Registration.builder("web", "a").address("::1").port(80).ttl(Duration.ofSeconds(10)).build();
        assertEquals("{\"address\":\"::1\",\"port\":80,\"tags\":[],\"metadata\":{},\"weight\":1,\"check\":{\"ttl\":\"10s\"}}",
                new String(WireFormat.registrationBody(r), StandardCharsets.UTF_8));
    }

    @Test
    void readsTheContractsAnswerIgnoringFieldsItDoesNotKnow() throws Exception {
        String body = "{\"service\":\"web\",\"index\":7,\"future\":{\"x\":1},\"instances\":["
                + "{\"id\":\"b\",\"address\":\"::1\",\"port\":81,\"tags\":[],\"metadata\":{},\"weight\":2,"
                + "\"status\":\"passing\",\"note\":\"\",\"check\":{\"ttl\":\"10s\"},\"registeredAt\":1,\"statusSince\":1},"
                + "{\"id\":\"a\",\"address\":\"h.example\",\"port\":80,\"status\":\"passing\"}]}";

        WireFormat.ServiceAnswer parsed = WireFormat.parseServiceAnswer("web",
                answer(body, Map.of("X-Muster-Index", List.of("9"), "X-Muster-Last-Contact", List.of("40"))));

        assertEquals(9, parsed.index(), "the header wins over the body");
        assertEquals(40, parsed.lastContactMs());
        assertEquals(List.of(new Endpoint("a", "h.example", 80, List.of(), Map.of(), 1),
                new Endpoint("b", "::1", 81, List.of(), Map.of(), 2)), parsed.endpoints());
        assertEquals("[::1]:81", parsed.endpoints().get(1).hostPort());
    }

    @Test
    void rejectsAnswersItCannotTrust() {
        Map<String, List<String>> h = Map.of("X-Muster-Index", List.of("1"));
        for (String bad : List.of(
                "", "null", "[]", "{\"service\":\"web\"}",
                "{\"service\":\"api\",\"instances\":[]}",
                "{\"instances\":[{\"id\":\"a\",\"address\":\"x\",\"port\":\"80\"}]}",
                "{\"instances\":[{\"id\":\"a\",\"address\":\"x\",\"port\":0}]}",
                "{\"instances\":[{\"id\":\"a\",\"address\":\"x\",\"port\":80,\"weight\":0}]}",
                "{\"instances\":[{\"id\":\"a\",\"address\":\"x\",\"port\":80,\"tags\":\"t\"}]}",
                "{\"instances\":[{\"id\":\"a\",\"address\":\"x\",\"port\":80},{\"id\":\"a\",\"address\":\"y\",\"port\":81}]}",
                "{\"instances\":[{\"address\":\"x\",\"port\":80}]}")) {
            assertThrows(WireFormat.BadAnswerException.class, () -> WireFormat.parseServiceAnswer("web", answer(bad, h)),
                    bad);
        }
        assertThrows(WireFormat.BadAnswerException.class,
                () -> WireFormat.parseServiceAnswer("web", answer("{\"instances\":[]}", Map.of())), "no index at all");
        assertThrows(WireFormat.BadAnswerException.class, () -> WireFormat.parseServiceAnswer("web",
                answer("{\"instances\":[]}", Map.of("X-Muster-Index", List.of("1"), "Content-Type", List.of("text/html")))));
    }
}
