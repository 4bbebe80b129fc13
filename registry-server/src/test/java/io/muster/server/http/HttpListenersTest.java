package io.muster.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP API's servers on real sockets: one port, every event loop serving connections, a clean failure. */
class HttpListenersTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpListeners listen(int port) throws Exception {
        return HttpListeners.listen(vertx, () -> vertx.createHttpServer().requestHandler(req -> {
            threads.add(Thread.currentThread().getName());
            req.response().end(Thread.currentThread().getName());
        }), 2, "127.0.0.1", port).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** One request on a connection of its own, so that each may land on another server. */
    private static String get(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            assertEquals("HTTP/1.1 200 OK", status);
            String line;
            String last = null;
            while ((line = in.readLine()) != null) {
                last = line;
            }
            return last;
        }
    }

    @Test
    void connectionsOnOnePortAreServedByEveryEventLoop() throws Exception {
        HttpListeners l = listen(0);
        assertTrue(l.actualPort() > 0);
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(get(l.actualPort()));
        }
        assertEquals(2, seen.size(), "event loops that served: " + seen);
        assertEquals(seen, new TreeSet<>(threads));
        l.shutdown(1000).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThrows(java.io.IOException.class, () -> get(l.actualPort()));
    }

    @Test
    void aPortInUseFailsTheStartAndLeavesNothingListening() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> listen(taken.getLocalPort()));
            assertTrue(String.valueOf(e.getCause()).contains("in use"), String.valueOf(e.getCause()));
        }
    }
}
