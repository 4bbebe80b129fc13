package io.muster.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A balancer (nginx, HAProxy) run as this test's own child, with its output in a file of the test's directory.
 * Stopped by its own PID on close: never the system's service, never by name.
 */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildProcess start(Path dir, String name, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".out");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new ChildProcess(p, log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until the balancer accepts connections on {@code port}; fails at once, with its log, if it exits. */
    ChildProcess awaitListening(int port, Path errorLog) {
        io.muster.server.testing.TestCluster.await("balancer listening on " + port, Fixtures.DEADLINE, () -> {
            if (!process.isAlive()) {
                return true;
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        if (!process.isAlive()) {
            String errors = "";
            try {
                errors = errorLog != null && Files.exists(errorLog) ? Files.readString(errorLog) : "";
            } catch (IOException e) {
                errors = e.toString();
            }
            throw new AssertionError("balancer exited (" + process.exitValue() + "): " + output() + errors);
        }
        return this;
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        // Workers left behind by a master that died abruptly.
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
