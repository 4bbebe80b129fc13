package io.muster.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.client.Endpoint;
import io.muster.client.MusterException;
import io.muster.client.Registration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry's JSON, read through the tree model and checked field by field: an answer is either wholly
 * understood or rejected, never half-applied to a view. Unknown fields are ignored so a newer server's additions
 * do not break an older client.
 */
public final class WireFormat {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The header carrying the index of the last change to what was read. */
    static final String INDEX_HEADER = "X-Muster-Index";
    /** Milliseconds since the answering member last heard from its leader. */
    static final String LAST_CONTACT_HEADER = "X-Muster-Last-Contact";
    /** Whether the answering member knows a leader; absent (an older server) counts as {@code true}. */
    static final String KNOWN_LEADER_HEADER = "X-Muster-Known-Leader";

    private static final Comparator<Endpoint> BY_ID = Comparator.comparing(Endpoint::id);

    private WireFormat() {
    }

    /** An answer the client cannot use: wrong status, content type, shape or values. */
    static final class BadAnswerException extends IOException {
        private static final long serialVersionUID = 1L;

        BadAnswerException(String message) {
            super(message);
        }

        BadAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A service read: the healthy endpoints sorted by id, the index, and the member's leader lag and knowledge. */
    record ServiceAnswer(List<Endpoint> endpoints, long index, long lastContactMs, boolean knownLeader) {
    }

    static byte[] registrationBody(Registration r) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("address", r.address());
        body.put("port", r.port());
        ArrayNode tags = body.putArray("tags");
        r.tags().forEach(tags::add);
        ObjectNode metadata = body.putObject("metadata");
        r.metadata().forEach(metadata::put);
        body.put("weight", r.weight());
        ObjectNode check = body.putObject("check");
        check.put("ttl", GoDurations.format(r.ttl()));
        r.deregisterAfter().ifPresent(d -> check.put("deregisterAfter", GoDurations.format(d)));
        return write(body);
    }

    static byte[] heartbeatBody() {
        return "{\"status\":\"passing\"}".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] heartbeatBody(io.muster.client.InstanceStatus status, String note) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("status", status.wire());
        if (!note.isEmpty()) {
            body.put("note", note);
        }
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a two-string object always serialises", e);
        }
    }

    /** The service names of a {@code GET /v1/services} answer, sorted. */
    static java.util.List<String> parseServiceNames(HttpTransport.Response response) throws BadAnswerException {
        JsonNode root;
        try {
            root = MAPPER.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new BadAnswerException("service list is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadAnswerException("service list is not a JSON object");
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        java.util.Collections.sort(names);
        return java.util.List.copyOf(names);
    }

    /** The index of a write's {@code {"index": N}} answer, 0 if the answer does not carry one. */
    static long writeIndex(HttpTransport.Response response) {
        try {
            JsonNode index = MAPPER.readTree(response.body()).path("index");
            return index.canConvertToLong() ? index.asLong() : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The registry's error answer as an exception, reading {@code {"error","message","field"}} if it is there. */
    static MusterException error(int status, byte[] body, String what) {
        String code = null;
        String message = null;
        String field = null;
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                code = node.path("error").isTextual() ? node.path("error").asText() : null;
                message = node.path("message").isTextual() ? node.path("message").asText() : null;
                field = node.path("field").isTextual() ? node.path("field").asText() : null;
            }
        } catch (IOException | RuntimeException e) {
            // A non-JSON error page (a proxy's, say): the status alone must do.
        }
        String text = what + " answered " + status + (code == null ? "" : " " + code)
                + (message == null ? "" : ": " + message) + (field == null ? "" : " (field " + field + ")");
        return new MusterException(status, code, field, text);
    }

    static ServiceAnswer parseServiceAnswer(String service, HttpTransport.Response response) throws BadAnswerException {
        if (response.status() != 200) {
            throw new BadAnswerException("status " + response.status() + ": " + error(response.status(),
                    response.body(), "GET " + service).getMessage());
        }
        String contentType = response.header("Content-Type").orElse("");
        if (!contentType.isEmpty() && !contentType.toLowerCase().contains("json")) {
            throw new BadAnswerException("content type is " + contentType + ", not JSON");
        }
        JsonNode root = readTree(response.body());
        if (!root.isObject()) {
            throw new BadAnswerException("answer is not a JSON object");
        }
        JsonNode name = root.get("service");
        if (name != null && !(name.isTextual() && name.asText().equals(service))) {
            throw new BadAnswerException("answer is for service " + name + ", not '" + service + "'");
        }
        JsonNode instances = root.get("instances");
        if (instances == null || !instances.isArray()) {
            throw new BadAnswerException("answer has no 'instances' array");
        }
        List<Endpoint> endpoints = parseEndpoints(instances);
        return new ServiceAnswer(endpoints, answerIndex(response, root), lastContact(response), knownLeader(response));
    }

    static List<Endpoint> parseEndpoints(JsonNode array) throws BadAnswerException {
        List<Endpoint> endpoints = new ArrayList<>(array.size());
        Set<String> ids = new HashSet<>();
        for (JsonNode node : array) {
            Endpoint endpoint = parseEndpoint(node);
            if (!ids.add(endpoint.id())) {
                throw new BadAnswerException("instance '" + endpoint.id() + "' appears twice");
            }
            endpoints.add(endpoint);
        }
        endpoints.sort(BY_ID);
        return List.copyOf(endpoints);
    }

    static Endpoint parseEndpoint(JsonNode node) throws BadAnswerException {
        if (!node.isObject()) {
            throw new BadAnswerException("instance is not a JSON object: " + abbreviate(node));
        }
        String id = text(node, "id");
        String address = text(node, "address");
        JsonNode port = node.get("port");
        if (port == null || !port.isIntegralNumber() || !port.canConvertToInt()) {
            throw new BadAnswerException("instance '" + id + "' has no integer port");
        }
        JsonNode weight = node.get("weight");
        if (weight != null && !weight.isNull() && !(weight.isIntegralNumber() && weight.canConvertToInt())) {
            throw new BadAnswerException("instance '" + id + "' has a non-integer weight");
        }
        List<String> tags = new ArrayList<>();
        JsonNode tagsNode = node.get("tags");
        if (tagsNode != null && !tagsNode.isNull()) {
            if (!tagsNode.isArray()) {
                throw new BadAnswerException("instance '" + id + "' has tags that are not an array");
            }
            for (JsonNode tag : tagsNode) {
                if (!tag.isTextual()) {
                    throw new BadAnswerException("instance '" + id + "' has a tag that is not a string");
                }
                tags.add(tag.asText());
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode metadataNode = node.get("metadata");
        if (metadataNode != null && !metadataNode.isNull()) {
            if (!metadataNode.isObject()) {
                throw new BadAnswerException("instance '" + id + "' has metadata that is not an object");
            }
            for (Map.Entry<String, JsonNode> field : metadataNode.properties()) {
                if (!field.getValue().isTextual()) {
                    throw new BadAnswerException("instance '" + id + "' has metadata '" + field.getKey() + "' that is not a string");
                }
                metadata.put(field.getKey(), field.getValue().asText());
            }
        }
        try {
            return new Endpoint(id, address, port.asInt(), tags, metadata,
                    weight == null || weight.isNull() ? 1 : weight.asInt());
        } catch (IllegalArgumentException e) {
            throw new BadAnswerException("instance '" + id + "' is invalid: " + e.getMessage(), e);
        }
    }

    static ObjectNode endpointNode(Endpoint e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", e.id());
        node.put("address", e.address());
        node.put("port", e.port());
        ArrayNode tags = node.putArray("tags");
        e.tags().forEach(tags::add);
        ObjectNode metadata = node.putObject("metadata");
        e.metadata().forEach(metadata::put);
        node.put("weight", e.weight());
        return node;
    }

    static JsonNode readTree(byte[] body) throws BadAnswerException {
        try {
            JsonNode root = MAPPER.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new BadAnswerException("answer is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new BadAnswerException("answer is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadAnswerException("answer could not be read: " + e.getMessage(), e);
        }
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e);
        }
    }

    /** The header is authoritative (it is what the contract promises on every read); the body's index backs it up. */
    private static long answerIndex(HttpTransport.Response response, JsonNode root) throws BadAnswerException {
        var header = response.header(INDEX_HEADER);
        if (header.isPresent()) {
            try {
                return Long.parseLong(header.get().trim());
            } catch (NumberFormatException e) {
                throw new BadAnswerException(INDEX_HEADER + " is not a number: '" + header.get() + "'");
            }
        }
        JsonNode index = root.get("index");
        if (index != null && index.isIntegralNumber() && index.canConvertToLong()) {
            return index.asLong();
        }
        throw new BadAnswerException("answer carries no index");
    }

    private static long lastContact(HttpTransport.Response response) {
        try {
            return Math.max(0, response.header(LAST_CONTACT_HEADER).map(v -> Long.parseLong(v.trim())).orElse(0L));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean knownLeader(HttpTransport.Response response) {
        return !response.header(KNOWN_LEADER_HEADER).map(v -> v.trim().equalsIgnoreCase("false")).orElse(false);
    }

    private static String text(JsonNode node, String field) throws BadAnswerException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new BadAnswerException("instance has no '" + field + "': " + abbreviate(node));
        }
        return value.asText();
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
