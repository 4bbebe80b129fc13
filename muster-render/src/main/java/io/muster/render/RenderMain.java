package io.muster.render;

import io.muster.client.MusterClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/muster render}: exit 0 on success (in {@code --once} mode: every template rendered or unchanged), 1
 * when a template was kept back or a command failed, 2 on bad usage. Without {@code --once} it runs until SIGTERM.
 */
public final class RenderMain {
    /** How long a first look at a service may take; then it counts as empty (and the last good file stays). */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    /** A check or reload command that runs longer is killed and counts as failed. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private RenderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int status = run(List.of(args), System.getenv(), System.err);
        if (status >= 0) {
            System.exit(status);
        }
        new CountDownLatch(1).await();
    }

    /** @return the exit status, or -1 when watching has started (the caller then waits for SIGTERM) */
    static int run(List<String> args, Map<String, String> env, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            err.print(RenderOptions.USAGE);
            return 0;
        }
        RenderOptions options;
        List<TemplateFile> templates = new ArrayList<>();
        try {
            options = RenderOptions.parse(args, env);
            for (TemplateSpec spec : options.templates()) {
                Path dir = spec.destination().toAbsolutePath().getParent();
                if (!Files.isDirectory(dir)) {
                    throw new RenderOptions.UsageException("the directory of " + spec.destination() + " does not exist");
                }
                templates.add(TemplateFile.load(spec));
            }
        } catch (RenderOptions.UsageException | IllegalArgumentException e) {
            err.println("muster render: " + e.getMessage());
            err.print(RenderOptions.USAGE);
            return 2;
        }
        MusterClient client;
        try {
            client = MusterClient.builder().members(options.members()).build();
        } catch (IllegalArgumentException e) {
            err.println("muster render: " + e.getMessage());
            return 2;
        }
        Renderer renderer = new Renderer(client, templates, options.waitMin(), options.waitMax(), READY_TIMEOUT,
                new ShellCommand(COMMAND_TIMEOUT));
        if (options.once()) {
            try {
                return renderer.renderAll() == 0 ? 0 : 1;
            } finally {
                renderer.close();
                client.close();
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            renderer.close();
            client.close();
        }, "muster-render-stop"));
        renderer.watch();
        return -1;
    }
}
