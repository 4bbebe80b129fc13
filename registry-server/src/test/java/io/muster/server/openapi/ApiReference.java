package io.muster.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Renders docs/api.md from docs/openapi.json, so the prose reference cannot drift from the document. */
final class ApiReference {
    private ApiReference() {
    }

    static String render(JsonNode doc) {
        StringBuilder md = new StringBuilder();
        md.append("# Muster HTTP API reference\n\n");
        md.append("<!-- Generated from docs/openapi.json by ApiReferenceTest: edit openapi.json, then run\n")
                .append("     mvn -pl registry-server -am test -Dtest=ApiReferenceTest -Dmuster.writeApiDocs=true -Dsurefire.failIfNoSpecifiedTests=false -->\n\n");
        md.append(doc.path("info").path("description").asText()).append("\n\n");
        md.append("The machine-readable description is [openapi.json](openapi.json) (OpenAPI ")
                .append(doc.path("openapi").asText()).append("), also served by every member at `GET /v1/openapi.json`.\n")
                .append("Every error is `{\"error\": CODE, \"message\": \"...\", \"field\": \"...\"}` (schema `Error`).\n\n");
        md.append("## Routes\n\n| method | path | what | answers |\n| --- | --- | --- | --- |\n");
        forEachOperation(doc, (method, path, op) -> md.append("| ").append(method).append(" | `").append(path).append("` | ")
                .append(cell(op.path("summary").asText())).append(" | ").append(String.join(", ", names(op.path("responses"))))
                .append(" |\n"));
        md.append("\n## Operations\n");
        forEachOperation(doc, (method, path, op) -> {
            md.append("\n### ").append(method).append(" ").append(path).append("\n\n").append(op.path("summary").asText()).append(".\n");
            List<String> params = new ArrayList<>();
            for (JsonNode p : op.path("parameters")) {
                JsonNode param = resolve(doc, p);
                params.add("`" + param.path("name").asText() + "` (" + param.path("in").asText() + ")"
                        + (param.has("description") ? ": " + param.path("description").asText() : ""));
            }
            if (!params.isEmpty()) {
                md.append("\nParameters: ").append(String.join("; ", params)).append(".\n");
            }
            JsonNode body = op.path("requestBody").path("content");
            if (!body.isMissingNode()) {
                body.fields().forEachRemaining(c -> md.append("\nBody (").append(c.getKey()).append("): ")
                        .append(schemaName(c.getValue().path("schema"))).append(op.path("requestBody").path("required").asBoolean() ? "" : ", optional")
                        .append(".\n"));
            }
            md.append("\n| status | meaning | body |\n| --- | --- | --- |\n");
            op.path("responses").fields().forEachRemaining(r -> {
                JsonNode resp = resolve(doc, r.getValue());
                List<String> bodies = new ArrayList<>();
                resp.path("content").fields().forEachRemaining(c -> bodies.add(c.getKey() + " " + schemaName(c.getValue().path("schema"))));
                md.append("| ").append(r.getKey()).append(" | ").append(cell(resp.path("description").asText())).append(" | ")
                        .append(cell(String.join("; ", bodies))).append(" |\n");
            });
        });
        md.append("\n## Schemas\n");
        doc.path("components").path("schemas").fields().forEachRemaining(s -> {
            md.append("\n### ").append(s.getKey()).append("\n\n");
            JsonNode schema = s.getValue();
            if (schema.has("description")) {
                md.append(schema.path("description").asText()).append(".\n\n");
            }
            if (schema.has("properties")) {
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(x -> required.add(x.asText()));
                md.append("| field | type | required | notes |\n| --- | --- | --- | --- |\n");
                schema.path("properties").fields().forEachRemaining(p -> md.append("| `").append(p.getKey()).append("` | ")
                        .append(cell(schemaName(p.getValue()))).append(" | ").append(required.contains(p.getKey()) ? "yes" : "")
                        .append(" | ").append(cell(notes(p.getValue()))).append(" |\n"));
            } else {
                md.append("`").append(cell(schema.toString())).append("`\n");
            }
        });
        return md.toString();
    }

    private interface OperationVisitor {
        void visit(String method, String path, JsonNode op);
    }

    private static void forEachOperation(JsonNode doc, OperationVisitor v) {
        for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            path.getValue().fields().forEachRemaining(m -> v.visit(m.getKey().toUpperCase(), path.getKey(), m.getValue()));
        }
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        return node.has("$ref") ? doc.at(node.get("$ref").asText().substring(1)) : node;
    }

    private static List<String> names(JsonNode responses) {
        List<String> n = new ArrayList<>();
        responses.fieldNames().forEachRemaining(n::add);
        return n;
    }

    private static String schemaName(JsonNode s) {
        if (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            return ref.substring(ref.lastIndexOf('/') + 1);
        }
        if (s.has("type") && s.get("type").isArray()) {
            List<String> t = new ArrayList<>();
            s.get("type").forEach(x -> t.add(x.asText()));
            return String.join(" or ", t);
        }
        if ("array".equals(s.path("type").asText())) {
            return "array of " + schemaName(s.path("items"));
        }
        if (s.has("const")) {
            return "\"" + s.get("const").asText() + "\"";
        }
        return s.path("type").asText("any");
    }

    private static String notes(JsonNode s) {
        List<String> n = new ArrayList<>();
        if (s.has("description")) {
            n.add(s.get("description").asText());
        }
        for (String k : List.of("minimum", "maximum", "maxItems", "default", "format")) {
            if (s.has(k)) {
                n.add(k + " " + s.get(k).asText());
            }
        }
        if (s.has("enum")) {
            List<String> e = new ArrayList<>();
            s.get("enum").forEach(x -> e.add(x.asText()));
            n.add("one of " + String.join(", ", e));
        }
        return String.join("; ", n);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
