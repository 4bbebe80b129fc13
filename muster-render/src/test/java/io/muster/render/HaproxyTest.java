package io.muster.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.MusterClient;
import io.muster.server.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's HAProxy (2.6), as this test's own child process in master-worker mode, fed two ways: a backend file
 * rendered by {@code bin/muster render} (docs/examples/haproxy-backend.tmpl, checked with {@code haproxy -c},
 * reloaded with SIGUSR2 to the master), and {@code server-template} over Muster's SRV records.
 */
class HaproxyTest {
    @TempDir
    Path dir;

    private static TestCluster cluster;
    private final List<Backend> backends = new ArrayList<>();
    private ChildProcess haproxy;
    private MusterClient client;
    private Renderer renderer;

    @BeforeAll
    static void startCluster() {
        Fixtures.requireCommand("haproxy");
        cluster = Fixtures.cluster();
    }

    @AfterAll
    static void stopCluster() {
        Fixtures.closeQuietly(cluster);
    }

    @AfterEach
    void stop() {
        Fixtures.closeQuietly(renderer);
        Fixtures.closeQuietly(client);
        Fixtures.closeQuietly(haproxy);
        backends.forEach(Backend::close);
    }

    private void backends(String service) throws Exception {
        for (String name : List.of("b1", "b2", "b3")) {
            Backend b = new Backend(name);
            backends.add(b);
            Fixtures.register(cluster, service, name, b.registration());
        }
        Fixtures.awaitPassing(cluster, service, 3);
    }

    @Test
    void renderedBackendFollowsTheRegistryAndABurstGivesFewReloads() throws Exception {
        backends("web");
        int port = Fixtures.freePort();
        Path main = dir.resolve("haproxy.cfg");
        Path backend = dir.resolve("web-backend.cfg");
        Files.writeString(main, """
                global
                    maxconn 256
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend fe
                    bind 127.0.0.1:%d
                    default_backend web
                """.formatted(port));
        String haproxyBin = Fixtures.binary("haproxy");
        client = MusterClient.builder().members(Fixtures.members(cluster)).build();
        TemplateSpec spec = new TemplateSpec(Fixtures.example("haproxy-backend.tmpl"), backend,
                Optional.of("kill -USR2 $(cat " + dir.resolve("master.pid") + ")"),
                Optional.of(haproxyBin + " -c -q -f " + main + " -f " + backend));
        renderer = new Renderer(client, List.of(TemplateFile.load(spec)), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(10), new ShellCommand(Duration.ofSeconds(30)));
        // The first pass writes the file; its reload finds no master yet, which is what a first start looks like.
        renderer.renderAll();
        assertTrue(Files.readString(backend).contains("server b2 127.0.0.1:" + backends.get(1).port()),
                Files.readString(backend));
        haproxy = ChildProcess.start(dir, "haproxy", List.of(haproxyBin, "-W", "-db", "-f", main.toString(), "-f",
                backend.toString())).awaitListening(port, null);
        Files.writeString(dir.resolve("master.pid"), Long.toString(haproxy.pid()));
        Traffic traffic = new Traffic(port);
        traffic.awaitBatch("traffic through HAProxy to all three backends", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b2", "b3")));
        renderer.watch();
        TestCluster.await("the first watched pass", Fixtures.DEADLINE, () -> renderer.passes() >= 2);
        long reloads = renderer.reloads();

        Backend b2 = backends.get(1);
        b2.healthy(false);
        traffic.awaitBatch("no request to b2 once it fails its check", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b3")));
        long servedBefore = b2.served();
        assertFalse(traffic.batch(30).contains("b2"));
        assertEquals(servedBefore, b2.served(), "b2 served requests after it was dropped");
        b2.healthy(true);
        traffic.awaitBatch("traffic back on b2", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b2", "b3")));
        TestCluster.await("two reloads counted", Fixtures.DEADLINE, () -> renderer.reloads() - reloads >= 2);
        long afterFlap = renderer.reloads() - reloads;
        assertTrue(afterFlap >= 2 && afterFlap <= 3, "two changes gave " + afterFlap + " reloads");

        // A burst: three registrations in a row, well inside the 1 s quiet period of each other.
        long beforeBurst = renderer.reloads();
        for (int i = 4; i <= 6; i++) {
            Fixtures.register(cluster, "web", "b" + i, "{\"address\":\"127.0.0.1\",\"port\":" + backends.get(0).port() + "}");
        }
        TestCluster.await("the burst rendered", Fixtures.DEADLINE, () -> read(backend).contains("server b6 "));
        TestCluster.await("the burst reloaded", Fixtures.DEADLINE, () -> renderer.reloads() > beforeBurst);
        long burst = renderer.reloads() - beforeBurst;
        assertTrue(burst <= 2, "three changes in a burst gave " + burst + " reloads");
        assertTrue(haproxy.alive(), haproxy.output());
    }

    /**
     * {@code server-template} over {@code _srvweb._tcp.service.muster} with three instances on one address: each
     * has an SRV target of its own, so HAProxy fills three servers (with one shared target it used two).
     */
    @Test
    void serverTemplateOverSrvRecordsUsesEveryInstanceOnOneAddress() throws Exception {
        backends("srvweb");
        int port = Fixtures.freePort();
        Path main = dir.resolve("haproxy.cfg");
        Files.writeString(main, """
                global
                    maxconn 256
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                resolvers muster
                    nameserver m1 127.0.0.1:%d
                    accepted_payload_size 1232
                    resolve_retries 3
                    timeout resolve 200ms
                    timeout retry 200ms
                    hold valid 200ms
                    hold obsolete 0s
                frontend fe
                    bind 127.0.0.1:%d
                    default_backend srvweb
                backend srvweb
                    balance roundrobin
                    server-template s 5 _srvweb._tcp.service.muster resolvers muster init-addr none
                """.formatted(cluster.ports(0).dns(), port));
        haproxy = ChildProcess.start(dir, "haproxy", List.of(Fixtures.binary("haproxy"), "-W", "-db", "-f",
                main.toString())).awaitListening(port, null);
        Traffic traffic = new Traffic(port);
        traffic.awaitBatch("traffic to all three instances on 127.0.0.1", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b2", "b3")));

        Backend b2 = backends.get(1);
        b2.healthy(false);
        Fixtures.awaitPassing(cluster, "srvweb", 2);
        traffic.awaitBatch("no request to b2 once DNS drops it", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b3")));
        long servedBefore = b2.served();
        List<String> after = traffic.batch(30);
        assertFalse(after.contains("b2") || after.contains("error"), after.toString());
        assertEquals(servedBefore, b2.served(), "b2 served requests after DNS dropped it");

        b2.healthy(true);
        traffic.awaitBatch("traffic back on b2", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b2", "b3")));
        assertTrue(haproxy.alive(), haproxy.output());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
