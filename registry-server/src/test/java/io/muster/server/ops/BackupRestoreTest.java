package io.muster.server.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.testing.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups taken while serving, restored into a fresh cluster; bad files refused without a change. */
class BackupRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestCluster source;
    private TestCluster target;

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    private byte[] download(TestCluster c, int member) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(c.url(member) + "/v1/snapshot")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("X-Muster-Index").isPresent());
        return r.body();
    }

    private HttpResponse<String> upload(TestCluster c, int member, byte[] file) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(c.url(member) + "/v1/snapshot"))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(file)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String instancesOf(TestCluster c, int member, String service) {
        JsonNode body = json(c.get(member, "/v1/services/" + service + "?consistency=consistent").body());
        StringBuilder sb = new StringBuilder();
        body.get("instances").forEach(i -> sb.append(i.get("id").asText()).append(' ').append(i.get("address").asText())
                .append(':').append(i.get("port").asInt()).append(' ').append(i.get("tags")).append(i.get("metadata"))
                .append(i.get("status").asText()).append(i.get("registeredAt").asText()).append('\n'));
        return sb.toString();
    }

    @Test
    void aBackupRestoredIntoANewClusterGivesTheSameCatalog() throws Exception {
        source = new TestCluster(3).start();
        for (int i = 0; i < 30; i++) {
            assertEquals(200, source.put(i % 3, "/v1/services/svc-" + (i % 3) + "/instances/i" + i,
                    "{\"address\":\"10.0.0." + i + "\",\"port\":" + (8000 + i) + ",\"tags\":[\"t" + (i % 2) + "\"],\"metadata\":{\"k\":\"v" + i + "\"}}").statusCode());
        }
        byte[] backup = download(source, source.anyFollower());

        target = new TestCluster(3).start();
        assertEquals(200, target.put(0, "/v1/services/other/instances/x", "{\"address\":\"10.9.9.9\",\"port\":1}").statusCode());
        HttpResponse<String> restored = upload(target, 1, backup);
        assertEquals(200, restored.statusCode(), restored.body());
        assertEquals(30, json(restored.body()).get("instances").asInt());
        for (int s = 0; s < 3; s++) {
            String expected = instancesOf(source, 0, "svc-" + s);
            for (int m = 0; m < 3; m++) {
                int member = m;
                String service = "svc-" + s;
                TestCluster.await("restored on member " + m, Duration.ofSeconds(20), () ->
                        json(target.get(member, "/v1/services/" + service + "?consistency=stale").body()).get("instances").size() == 10);
                assertEquals(expected, instancesOf(target, m, "svc-" + s));
            }
        }
        assertEquals(0, json(target.get(0, "/v1/services/other").body()).get("instances").size(), "a restore replaces everything");
        // Backing up the restored cluster gives the same services again.
        byte[] again = download(target, 0);
        assertTrue(again.length > 0);
    }

    @Test
    void corruptOrTruncatedFilesAreRefusedAndChangeNothing() throws Exception {
        source = new TestCluster(3).start();
        assertEquals(200, source.put(0, "/v1/services/web/instances/w1", "{\"address\":\"10.0.0.1\",\"port\":80}").statusCode());
        byte[] good = download(source, 0);
        String before = source.get(0, "/v1/services?consistency=consistent").body();
        String indexBefore = source.get(0, "/v1/services/web?consistency=consistent").headers().firstValue("X-Muster-Index").orElseThrow();

        byte[] flipped = good.clone();
        for (int i = good.length / 3; i < good.length / 3 + 8 && i < good.length; i++) {
            flipped[i] ^= 0x5a;
        }
        byte[] random = new byte[2000];
        new Random(7).nextBytes(random);
        byte[][] bad = {
            Arrays.copyOf(good, good.length / 2),
            flipped,
            random,
            "{\"format\":\"muster-snapshot\",\"version\":1}".getBytes(),
            new byte[] {0x1f, (byte) 0x8b},
        };
        for (byte[] file : bad) {
            HttpResponse<String> r = upload(source, 1, file);
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("invalid_argument", json(r.body()).get("error").asText());
        }
        HttpResponse<String> empty = upload(source, 1, new byte[0]);
        assertEquals(400, empty.statusCode());
        assertEquals(before, source.get(0, "/v1/services?consistency=consistent").body());
        assertEquals(indexBefore, source.get(0, "/v1/services/web?consistency=consistent").headers().firstValue("X-Muster-Index").orElseThrow());
    }

    @Test
    void theOperatorCommandSavesAndRestores(@TempDir Path dir) throws Exception {
        Path launcher = Path.of("..", "bin", "muster").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isExecutable(launcher), "bin/muster not found from " + Path.of("").toAbsolutePath());
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v curl").start().waitFor() == 0, "curl not installed");
        source = new TestCluster(3).start();
        assertEquals(200, source.put(0, "/v1/services/cli/instances/c1", "{\"address\":\"10.0.0.1\",\"port\":80}").statusCode());
        Path file = dir.resolve("backup.snapshot");
        String member = "127.0.0.1:" + source.ports(0).http();
        Process save = new ProcessBuilder(launcher.toString(), "snapshot", "save", file.toString(), member).redirectErrorStream(true).start();
        String saveOut = new String(save.getInputStream().readAllBytes());
        assertEquals(0, save.waitFor(), saveOut);
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b}, Arrays.copyOf(Files.readAllBytes(file), 2), "a gzip file");

        assertEquals(200, source.delete(0, "/v1/services/cli/instances/c1").statusCode());
        Process restore = new ProcessBuilder(launcher.toString(), "snapshot", "restore", file.toString(), member).redirectErrorStream(true).start();
        String restoreOut = new String(restore.getInputStream().readAllBytes());
        assertEquals(0, restore.waitFor(), restoreOut);
        assertEquals(1, json(source.get(0, "/v1/services/cli?consistency=consistent").body()).get("instances").size());

        Path junk = dir.resolve("junk");
        Files.write(junk, new byte[] {1, 2, 3});
        Process refused = new ProcessBuilder(launcher.toString(), "snapshot", "restore", junk.toString(), member).redirectErrorStream(true).start();
        String refusedOut = new String(refused.getInputStream().readAllBytes());
        assertEquals(1, refused.waitFor(), refusedOut);
        assertTrue(refusedOut.contains("invalid_argument"), refusedOut);
    }
}
