package io.muster.render;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs an operator's check or reload command with {@code sh -c}, bounded in time, output captured for the log. */
final class ShellCommand {

    /** @param exit the exit status; -1 if it could not start or ran past the timeout (and was killed) */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Output kept for the log; a chatty command must not fill the renderer's memory. */
    private static final int MAX_OUTPUT = 8 * 1024;

    private final Duration timeout;

    ShellCommand(Duration timeout) {
        this.timeout = timeout;
    }

    Result run(String command) {
        Process process;
        try {
            process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(-1, "cannot start: " + e.getMessage());
        }
        // Read on another thread: a command whose output fills the pipe would otherwise never exit.
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> drain(process.getInputStream(), output), "render-command-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(-1, "still running after " + timeout + "; killed");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
        synchronized (output) {
            return new Result(process.exitValue(), output.toString().strip());
        }
    }

    private static void drain(InputStream in, StringBuilder output) {
        byte[] buffer = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (output) {
                    if (output.length() < MAX_OUTPUT) {
                        output.append(new String(buffer, 0, Math.min(n, MAX_OUTPUT - output.length()),
                                StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // The process went away; what it wrote so far is what we have.
        }
    }
}
