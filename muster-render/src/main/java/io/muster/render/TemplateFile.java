package io.muster.render;

import io.muster.client.Endpoint;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** One template, compiled once at start (so a syntax error stops {@code render} before it touches anything). */
final class TemplateFile {

    /** What one rendering produced. {@code empty} names the services it showed with no endpoint. */
    record Rendering(byte[] bytes, Set<String> used, Set<String> empty) {
    }

    // Config files, not HTML: no escaping. A variable the template names but the data lacks is an error, not "".
    private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false);

    private final TemplateSpec spec;
    private final Template template;

    private TemplateFile(TemplateSpec spec, Template template) {
        this.spec = spec;
        this.template = template;
    }

    /**
     * @throws IllegalArgumentException if the file cannot be read or is not a valid template
     */
    static TemplateFile load(TemplateSpec spec) {
        String text;
        try {
            text = Files.readString(spec.source(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read template " + spec.source() + ": " + e.getMessage(), e);
        }
        try {
            return new TemplateFile(spec, COMPILER.compile(text));
        } catch (MustacheException e) {
            throw new IllegalArgumentException("template " + spec.source() + " does not compile: " + e.getMessage(), e);
        }
    }

    TemplateSpec spec() {
        return spec;
    }

    /** @throws MustacheException if the template names a value the data lacks */
    Rendering render(Function<String, List<Endpoint>> endpoints) {
        TemplateContext context = new TemplateContext(endpoints);
        String out = template.execute(context.root());
        return new Rendering(out.getBytes(StandardCharsets.UTF_8), context.used(), context.empty());
    }
}
