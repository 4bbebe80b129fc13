package io.muster.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenderOptionsTest {

    @Test
    void templateSplitsOnTheFirstTwoColonsOnly() throws Exception {
        RenderOptions o = RenderOptions.parse(List.of("--template", "in.tmpl:out.conf:curl -X POST http://127.0.0.1:9000/reload",
                "--check", "nginx -t", "--template", "b.tmpl:b.conf"), Map.of());
        assertEquals(new TemplateSpec(Path.of("in.tmpl"), Path.of("out.conf"),
                Optional.of("curl -X POST http://127.0.0.1:9000/reload"), Optional.of("nginx -t")), o.templates().get(0));
        assertEquals(new TemplateSpec(Path.of("b.tmpl"), Path.of("b.conf"), Optional.empty(), Optional.empty()),
                o.templates().get(1));
    }

    @Test
    void defaultsComeFromTheEnvironmentThenTheContract() throws Exception {
        RenderOptions o = RenderOptions.parse(List.of("--template", "a:b"), Map.of("MUSTER_ADDR", "10.0.0.1:8700, 10.0.0.2:8700"));
        assertEquals(List.of("http://10.0.0.1:8700", "http://10.0.0.2:8700"), o.members());
        assertEquals(Duration.ofMillis(500), o.waitMin());
        assertEquals(Duration.ofSeconds(5), o.waitMax());
        assertEquals(List.of("http://127.0.0.1:8700"), RenderOptions.parse(List.of("--template", "a:b"), Map.of()).members());
        RenderOptions flags = RenderOptions.parse(List.of("--template", "a:b", "--addr", "https://m1:8700", "--wait",
                "1s:1m", "--once"), Map.of("MUSTER_ADDR", "ignored:1"));
        assertEquals(List.of("https://m1:8700"), flags.members());
        assertEquals(Duration.ofMinutes(1), flags.waitMax());
        assertTrue(flags.once());
    }

    @Test
    void badCommandLinesAreRefusedWithAReason() {
        for (List<String> args : List.<List<String>>of(
                List.of(),
                List.of("--once"),
                List.of("--template"),
                List.of("--template", "nocolon"),
                List.of("--template", ":dest"),
                List.of("--template", "src:"),
                List.of("--template", "src::cmd"),
                List.of("--check", "x", "--template", "a:b"),
                List.of("--template", "a:b", "--check", "x", "--check", "y"),
                List.of("--template", "a:b", "--wait", "5s"),
                List.of("--template", "a:b", "--wait", "5s:1s"),
                List.of("--template", "a:b", "--wait", "-1s:1s"),
                List.of("--template", "a:b", "--wait", "1x:2x"),
                List.of("--template", "a:b", "--wait", "9999999999s:1s"),
                List.of("--template", "a:b", "--frobnicate"))) {
            assertThrows(RenderOptions.UsageException.class, () -> RenderOptions.parse(args, Map.of()), args.toString());
        }
    }

    @Test
    void mainExitsTwoOnBadUsageAndOnABrokenTemplate(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        var err = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, RenderMain.run(List.of("--template"), Map.of(), print));
        assertEquals(2, RenderMain.run(List.of("--template", dir.resolve("missing.tmpl") + ":" + dir.resolve("out")),
                Map.of(), print));
        Path broken = dir.resolve("broken.tmpl");
        java.nio.file.Files.writeString(broken, "{{#service.web}} never closed");
        assertEquals(2, RenderMain.run(List.of("--template", broken + ":" + dir.resolve("out")), Map.of(), print));
        assertEquals(2, RenderMain.run(List.of("--template", broken + ":" + dir.resolve("no/such/dir/out")), Map.of(), print));
        assertEquals(2, RenderMain.run(List.of("--template", broken + ":" + dir.resolve("out"), "--addr", "ftp://x"),
                Map.of(), print));
        assertEquals(0, RenderMain.run(List.of("--help"), Map.of(), print));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("cannot read template") && text.contains("does not compile") && text.contains("does not exist"), text);
    }
}
