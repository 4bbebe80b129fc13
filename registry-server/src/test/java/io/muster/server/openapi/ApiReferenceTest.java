package io.muster.server.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/api.md is rendered from docs/openapi.json; this fails when they drift, and rewrites it on request. */
class ApiReferenceTest {
    static final Path API_MD = Path.of("..", "docs", "api.md");

    @Test
    void apiMarkdownIsRenderedFromTheOpenApiDocument() throws Exception {
        String expected = ApiReference.render(new OpenApiDocument().root());
        if (Boolean.getBoolean("muster.writeApiDocs")) {
            Files.writeString(API_MD, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(API_MD) ? Files.readString(API_MD, StandardCharsets.UTF_8) : "";
        assertEquals(expected, actual, "docs/api.md is out of step with docs/openapi.json: rerun this test with "
                + "-Dmuster.writeApiDocs=true and commit the result");
    }
}
