package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's story end to end: one service registers itself, another finds it and calls it. */
class UsageExampleTest {

    @Test
    void aServiceRegistersAndAnotherCallsItThroughTheRegistry() throws Exception {
        HttpServer orders = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        orders.createContext("/orders/42", exchange -> {
            byte[] body = "order 42".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        orders.start();
        try (FakeRegistry registry = FakeRegistry.start()) {
            MusterClient ordersSide = TestClients.fast(registry.address()).build();
            ordersSide.register(Registration.builder("orders", "orders-1")
                    .address("127.0.0.1")
                    .port(orders.getAddress().getPort())
                    .ttl(Duration.ofSeconds(1))
                    .build());

            try (MusterClient checkoutSide = TestClients.fast(registry.address()).build()) {
                ServiceView view = checkoutSide.serviceView("orders");
                assertTrue(view.awaitReady(Await.DEFAULT));

                Endpoint target = view.pick(Picker.roundRobin()).orElseThrow();
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(target.uri("http").resolve("/orders/42")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("order 42", response.body());

                // Graceful shutdown of the orders service takes it out of the callers' views.
                ordersSide.close();
                Await.until("orders gone from the view", () -> view.endpoints().isEmpty() || view.isProtected(),
                        view::toString);
            }
        } finally {
            orders.stop(0);
        }
    }
}
