package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process restarted during a registry outage starts with the endpoints an earlier run saw. */
class EndpointCacheTest {

    @TempDir
    Path cacheDir;

    @Test
    void aNewClientStartsFromTheCacheWhileTheRegistryIsDown() throws Exception {
        FakeRegistry registry = FakeRegistry.start();
        try {
            registry.put("web", new FakeRegistry.Instance("web-1", "10.0.0.1", 8080, List.of("eu"),
                    Map.of("version", "2"), 3, "passing", null));
            registry.put("web", "web-2", 8081);
            try (MusterClient first = TestClients.fast(registry.address()).cacheDirectory(cacheDir).build()) {
                ServiceView view = first.serviceView("web");
                assertTrue(view.awaitReady(Await.DEFAULT));
                Await.until("cache file written", () -> Files.exists(cacheDir.resolve("web.json")), () -> "");
            }
            List<Endpoint> seen = List.of(
                    new Endpoint("web-1", "10.0.0.1", 8080, List.of("eu"), Map.of("version", "2"), 3),
                    new Endpoint("web-2", registry.instance("web", "web-2").address(), 8081, List.of(), Map.of(), 1));
            registry.stop();

            try (MusterClient second = TestClients.fast(registry.address()).cacheDirectory(cacheDir).build()) {
                ServiceView view = second.serviceView("web");

                assertTrue(view.awaitReady(Duration.ZERO), "ready at once, from the file");
                assertEquals(seen, view.endpoints());
                assertTrue(view.isStale(), "cached endpoints are stale until the registry confirms them");
                assertTrue(view.lastUpdated().isPresent(), "saved-at time");

                registry.put("web", "web-3", 8082);
                registry.restart();
                Await.until("fresh from the registry", () -> !view.isStale() && view.endpoints().size() == 3,
                        view::toString);
                Await.until("file follows", () -> read(cacheDir.resolve("web.json")).contains("web-3"), () -> "");
            }
        } finally {
            registry.close();
        }
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertEquals(List.of("web.json"), files.map(p -> p.getFileName().toString()).toList(),
                    "temporary files moved into place, none left behind");
        }
    }

    @Test
    void aCorruptCacheFileIsIgnored() throws Exception {
        Files.writeString(cacheDir.resolve("web.json"), "{\"format\":1,\"service\":\"web\",\"endpoints\":[{\"id\":");
        try (MusterClient client = TestClients.fast(FakeRegistry.deadAddress()).cacheDirectory(cacheDir).build()) {
            ServiceView view = client.serviceView("web");

            assertEquals(List.of(), view.endpoints());
            assertFalse(view.awaitReady(Duration.ofMillis(50)));
        }
    }

    @Test
    void taggedViewsKeepSeparateFiles() throws Exception {
        try (FakeRegistry registry = FakeRegistry.start();
                MusterClient client = TestClients.fast(registry.address()).cacheDirectory(cacheDir).build()) {
            registry.put("web", new FakeRegistry.Instance("web-1", "10.0.0.1", 80, List.of("eu"), Map.of(), 1,
                    "passing", null));
            registry.put("web", "web-2", 80);
            assertTrue(client.serviceView("web").awaitReady(Await.DEFAULT));
            assertTrue(client.serviceView("web", Set.of("eu")).awaitReady(Await.DEFAULT));

            Await.until("both files", () -> Files.exists(cacheDir.resolve("web.json"))
                    && Files.exists(cacheDir.resolve("web~eu.json")), () -> "");
            assertFalse(read(cacheDir.resolve("web~eu.json")).contains("web-2"));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
