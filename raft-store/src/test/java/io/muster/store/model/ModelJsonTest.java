package io.muster.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared strict mapper and the JSON shapes of checks, statuses and specs. */
class ModelJsonTest {
    private final ObjectMapper mapper = Json.mapper();

    @Test
    void checkKindIsDeducedFromItsFields() throws JsonProcessingException {
        assertInstanceOf(Check.Ttl.class, mapper.readValue("{\"ttl\":\"10s\"}", Check.class));
        assertInstanceOf(Check.Http.class, mapper.readValue("{\"http\":\"http://a/h\",\"interval\":\"5s\",\"timeout\":\"1s\"}", Check.class));
        assertInstanceOf(Check.Tcp.class, mapper.readValue("{\"tcp\":\"a:1\",\"interval\":\"5s\",\"timeout\":\"1s\"}", Check.class));
        assertEquals(new Check.Ttl(Duration.ofSeconds(10), Duration.ofMinutes(5)),
                mapper.readValue("{\"ttl\":\"10s\",\"deregisterAfter\":\"5m\"}", Check.class));
    }

    @Test
    void checkIsWrittenInTheContractsShapeWithoutNulls() throws JsonProcessingException {
        assertEquals("{\"ttl\":\"10s\"}", mapper.writeValueAsString(new Check.Ttl(Duration.ofSeconds(10), null)));
        assertEquals("{\"tcp\":\"a:1\",\"interval\":\"5s\",\"timeout\":\"1500ms\",\"deregisterAfter\":\"1h\"}",
                mapper.writeValueAsString(new Check.Tcp("a:1", Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofHours(1))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"deregisterAfter\":\"5m\"}",
        "{\"ttl\":\"10s\",\"http\":\"http://a\"}",
        "{\"ttl\":10}",
        "{\"ttl\":\"10\"}",
        "{\"ttl\":\"-1s\"}",
        "{\"ttl\":\"10s\",\"extra\":1}",
    })
    void badCheckIsRefused(String json) {
        assertThrows(JsonProcessingException.class, () -> mapper.readValue(json, Check.class));
    }

    @Test
    void initialStatusIsPassingForTtlAndCriticalForProbes() {
        assertEquals(Status.PASSING, new Check.Ttl(Duration.ofSeconds(1), null).initialStatus());
        assertEquals(Status.CRITICAL, new Check.Http("http://a", Duration.ofSeconds(1), Duration.ofSeconds(1), null).initialStatus());
        assertEquals(Status.CRITICAL, new Check.Tcp("a:1", Duration.ofSeconds(1), Duration.ofSeconds(1), null).initialStatus());
    }

    @Test
    void statusUsesLowerCaseWireNames() throws JsonProcessingException {
        assertEquals("\"warning\"", mapper.writeValueAsString(Status.WARNING));
        assertEquals(Status.CRITICAL, mapper.readValue("\"critical\"", Status.class));
        assertEquals(Optional.of(Status.PASSING), Status.parse("passing"));
        assertEquals(Optional.empty(), Status.parse("PASSING"));
        assertEquals(Optional.empty(), Status.parse(null));
        assertThrows(JsonProcessingException.class, () -> mapper.readValue("\"Passing\"", Status.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"address\":\"a\",\"port\":\"80\",\"tags\":[],\"metadata\":{},\"weight\":1}",
        "{\"address\":\"a\",\"port\":80.5,\"tags\":[],\"metadata\":{},\"weight\":1}",
        "{\"address\":\"a\",\"port\":null,\"tags\":[],\"metadata\":{},\"weight\":1}",
        "{\"address\":\"a\",\"port\":80,\"tags\":[],\"metadata\":{},\"weight\":1,\"color\":\"red\"}",
        "{\"address\":\"a\",\"port\":80,\"tags\":[],\"metadata\":{},\"weight\":1} {}",
    })
    void specParsingIsStrict(String json) {
        assertThrows(JsonProcessingException.class, () -> mapper.readValue(json, InstanceSpec.class));
    }

    @Test
    void specIsImmutableAndComparesByValue() {
        List<String> tags = new java.util.ArrayList<>(List.of("a"));
        Map<String, String> metadata = new java.util.HashMap<>(Map.of("k", "v"));
        InstanceSpec spec = new InstanceSpec("10.0.0.1", 80, tags, metadata, 1, null);
        tags.add("b");
        metadata.put("k2", "v2");

        assertEquals(new InstanceSpec("10.0.0.1", 80, List.of("a"), Map.of("k", "v"), 1, null), spec);
        assertThrows(UnsupportedOperationException.class, () -> spec.tags().add("c"));
        assertThrows(UnsupportedOperationException.class, () -> spec.metadata().put("c", "d"));
    }

    @Test
    void metadataIsWrittenInKeyOrder() throws JsonProcessingException {
        InstanceSpec spec = new InstanceSpec("a", 1, List.of(), Map.of("zone", "z", "app", "a", "version", "v"), 1, null);

        String json = mapper.writeValueAsString(spec);

        assertTrue(json.contains("\"metadata\":{\"app\":\"a\",\"version\":\"v\",\"zone\":\"z\"}"), json);
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "[".repeat(100) + "]".repeat(100);

        assertThrows(JsonProcessingException.class, () -> mapper.readTree(deep));
    }
}
