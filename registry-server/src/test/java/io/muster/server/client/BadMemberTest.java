package io.muster.server.client;

import static io.muster.server.client.ClusterClients.DEADLINE;
import static io.muster.server.client.ClusterClients.awaitIds;
import static io.muster.server.client.ClusterClients.awaitReady;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.muster.client.MusterClient;
import io.muster.client.Registration;
import io.muster.client.RetryPolicy;
import io.muster.client.ServiceView;
import io.muster.server.testing.TestCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One cluster-level case of bad answers (the client's own tests cover them in detail): a client whose member list
 * starts with a server answering HTML with 200 and one answering 500 still registers, and its view still
 * converges on the real cluster's state.
 */
class BadMemberTest {
    private TestCluster cluster;
    private HttpServer garbage;
    private HttpServer failing;

    @AfterEach
    void tearDown() {
        if (garbage != null) {
            garbage.stop(0);
        }
        if (failing != null) {
            failing.stop(0);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpServer answering(int status, String contentType, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.getResponseHeaders().add("X-Muster-Index", "999999");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void aViewConvergesOnTheClusterPastMembersThatAnswerGarbageOrFail() throws Exception {
        cluster = new TestCluster(3).start();
        garbage = answering(200, "text/html", "<html><body>Welcome to nginx!</body></html>");
        failing = answering(500, "application/json", "{\"error\":\"internal\"");
        List<String> members = List.of(url(failing), url(garbage), cluster.url(0), cluster.url(1), cluster.url(2));
        try (MusterClient registrar = MusterClient.builder().members(cluster.url(1), url(failing)).build();
                MusterClient watcher = MusterClient.builder().members(members)
                        .retryPolicy(RetryPolicy.exponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(500), 4))
                        .build()) {
            ServiceView web = watcher.serviceView("web");
            registrar.register(Registration.builder("web", "web-1").address("10.3.0.1").port(80).build());
            awaitReady(web);
            awaitIds(web, Set.of("web-1"));
            registrar.register(Registration.builder("web", "web-2").address("10.3.0.2").port(80).build());
            awaitIds(web, Set.of("web-1", "web-2"));
            TestCluster.await("view current", DEADLINE, () -> !web.isStale());
            assertEquals(false, web.isProtected());
        }
    }
}
