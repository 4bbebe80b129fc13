package io.muster.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * docs/openapi.json as the tests read it: its operations, and the schema an answer of an operation must match,
 * checked by networknt's JSON Schema validator in the 2020-12 dialect (OpenAPI 3.1's).
 */
final class OpenApiDocument {
    /** The checked-in copy, found from the module directory Maven runs tests in. */
    static final Path FILE = Path.of("..", "docs", "openapi.json");
    static final String RESOURCE = "muster/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode doc;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    OpenApiDocument() {
        try {
            this.doc = JSON.readTree(Files.readAllBytes(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode root() {
        return doc;
    }

    /** "GET /v1/services/{service}" for every operation of the document. */
    Set<String> operations() {
        Set<String> ops = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            path.getValue().fieldNames().forEachRemaining(m -> ops.add(m.toUpperCase() + " " + path.getKey()));
        }
        return ops;
    }

    /**
     * The problems of a JSON answer to {@code method path} with {@code status}, against the document's schema for
     * it; a status the document does not list for the operation is itself a problem.
     */
    Set<String> check(String method, String pathTemplate, int status, JsonNode body) {
        String opPointer = "/paths/" + escape(pathTemplate) + "/" + method.toLowerCase();
        JsonNode responses = doc.at(opPointer + "/responses");
        if (responses.isMissingNode()) {
            return Set.of("no operation " + method + " " + pathTemplate + " in the document");
        }
        String responsePointer = opPointer + "/responses/" + status;
        JsonNode response = doc.at(responsePointer);
        if (response.isMissingNode()) {
            return Set.of("status " + status + " is not documented for " + method + " " + pathTemplate);
        }
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
        }
        String schemaPointer = responsePointer + "/content/application~1json/schema";
        if (doc.at(schemaPointer).isMissingNode()) {
            return Set.of("no JSON schema at " + schemaPointer);
        }
        return validate(schemaPointer, body);
    }

    /** The problems of a value against the schema at a JSON pointer into the document. */
    Set<String> validate(String schemaPointer, JsonNode value) {
        JsonSchema schema = factory.getSchema(SchemaLocation.of("classpath:" + RESOURCE + "#" + schemaPointer), config);
        Set<String> problems = new TreeSet<>();
        for (ValidationMessage m : schema.validate(value)) {
            problems.add(m.getMessage());
        }
        return problems;
    }

    Optional<String> requestSchema(String method, String pathTemplate) {
        String pointer = "/paths/" + escape(pathTemplate) + "/" + method.toLowerCase() + "/requestBody/content/application~1json/schema";
        return doc.at(pointer).isMissingNode() ? Optional.empty() : Optional.of(pointer);
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
