package io.muster.render;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import io.muster.server.testing.TestCluster;

/**
 * Requests through a balancer, each on a connection of its own (HTTP/1.0): a kept-alive connection would stay with
 * a worker that still runs the configuration from before a reload.
 */
final class Traffic {
    private final int port;

    Traffic(int port) {
        this.port = port;
    }

    /** The body of one {@code GET /} (a backend's name), or {@code "error"} for a failed request or a non-200. */
    String get() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!reply.startsWith("HTTP/1.1 200") && !reply.startsWith("HTTP/1.0 200")) {
                return "error";
            }
            int body = reply.indexOf("\r\n\r\n");
            return body < 0 ? "error" : reply.substring(body + 4);
        } catch (IOException e) {
            return "error";
        }
    }

    List<String> batch(int n) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(get());
        }
        return answers;
    }

    /** Sends batches of {@code n} until one satisfies {@code condition}; returns it. */
    List<String> awaitBatch(String what, int n, Duration timeout, Predicate<List<String>> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            last = batch(n);
            if (condition.test(last)) {
                return last;
            }
            TestCluster.sleep(20);
        }
        fail("timed out after " + timeout + " waiting for " + what + "; last batch: " + last);
        return last;
    }

    /** Sends requests until every one of {@code names} has answered at least once. */
    void awaitSeen(String what, Set<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> seen = new java.util.TreeSet<>();
        while (!seen.containsAll(names)) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what + "; seen: " + seen);
            }
            seen.add(get());
            TestCluster.sleep(5);
        }
    }
}
