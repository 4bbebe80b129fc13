package io.muster.server.cli;

import io.muster.cli.MusterCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in this JVM, as bin/muster runs it in its own, against a member's address. */
final class Cli {
    private final Map<String, String> env = new HashMap<>();

    Cli(String addr) {
        env.put("MUSTER_ADDR", addr);
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    Run run(String... args) {
        return run(new ByteArrayOutputStream(), args);
    }

    /** Runs with the caller's output buffer (ByteArrayOutputStream is synchronized), for a verb that runs on. */
    Run run(ByteArrayOutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MusterCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.copyOf(env));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
