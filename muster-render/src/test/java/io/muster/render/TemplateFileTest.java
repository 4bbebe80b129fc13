package io.muster.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.samskivert.mustache.MustacheException;
import io.muster.client.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateFileTest {
    @TempDir
    Path dir;

    private static final Map<String, List<Endpoint>> REGISTRY = Map.of(
            "web", List.of(new Endpoint("w1", "10.0.0.1", 8080, List.of("primary"), Map.of("zone", "a"), 10),
                    new Endpoint("w2", "fd00::2", 8081, List.of(), Map.of(), 1)),
            "empty", List.of());

    private TemplateFile load(Path source) {
        return TemplateFile.load(new TemplateSpec(source, dir.resolve("out"), Optional.empty(), Optional.empty()));
    }

    private TemplateFile template(String text) throws Exception {
        Path source = dir.resolve("t.tmpl");
        Files.writeString(source, text);
        return load(source);
    }

    private static String text(TemplateFile.Rendering r) {
        return new String(r.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theNginxExampleRendersAnUpstreamBlock() {
        TemplateFile.Rendering r = load(Fixtures.example("nginx-upstream.tmpl"))
                .render(s -> REGISTRY.getOrDefault(s, List.of()));
        assertEquals("""
                # Rendered by `bin/muster render` from the passing instances of service 'web'; overwritten on every change.
                upstream web {
                    server 10.0.0.1:8080 weight=10;
                    server [fd00::2]:8081 weight=1;
                }
                """, text(r));
        assertEquals(Set.of("web"), r.used());
        assertEquals(Set.of(), r.empty());
    }

    @Test
    void theHaproxyExampleNamesEachServerByItsId() {
        String out = text(load(Fixtures.example("haproxy-backend.tmpl")).render(s -> REGISTRY.getOrDefault(s, List.of())));
        assertEquals(true, out.contains("    server w1 10.0.0.1:8080\n    server w2 [fd00::2]:8081\n"), out);
    }

    @Test
    void metadataTagsAndLoopPositionsAreThere() throws Exception {
        TemplateFile t = template("{{#service.web}}{{id}}{{#metadata.zone}} zone={{metadata.zone}}{{/metadata.zone}}"
                + "{{#tags}} tag={{.}}{{/tags}}{{^-last}},{{/-last}}{{/service.web}}");
        assertEquals("w1 zone=a tag=primary,w2", text(t.render(s -> REGISTRY.getOrDefault(s, List.of()))));
    }

    @Test
    void aServiceWithNoEndpointIsReported() throws Exception {
        TemplateFile.Rendering r = template("{{#service.web}}x{{/service.web}}{{#service.empty}}y{{/service.empty}}")
                .render(s -> REGISTRY.getOrDefault(s, List.of()));
        assertEquals(Set.of("web", "empty"), r.used());
        assertEquals(Set.of("empty"), r.empty());
    }

    @Test
    void aMissingValueIsAnErrorNotAnEmptyString() throws Exception {
        TemplateFile t = template("{{#service.web}}{{nosuchfield}}{{/service.web}}");
        assertThrows(MustacheException.class, () -> t.render(s -> REGISTRY.getOrDefault(s, List.of())));
        TemplateFile bad = template("{{#service.Not_A_Name}}{{/service.Not_A_Name}}");
        assertThrows(RuntimeException.class, () -> bad.render(s -> REGISTRY.getOrDefault(s, List.of())));
    }

    @Test
    void brokenTemplatesAreRefusedAtLoad() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> template("{{#service.web}} unclosed"));
        assertThrows(IllegalArgumentException.class, () -> template("{{/service.web}}"));
        assertThrows(IllegalArgumentException.class, () -> load(dir.resolve("missing.tmpl")));
    }
}
