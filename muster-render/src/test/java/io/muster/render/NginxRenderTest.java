package io.muster.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.MusterClient;
import io.muster.server.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's nginx, as this test's own child process, balancing over three backends whose upstream block
 * {@code bin/muster render} keeps current from the registry (the shipped docs/examples/nginx-upstream.tmpl), with
 * {@code nginx -t} as the check and {@code nginx -s reload} as the command.
 */
class NginxRenderTest {
    @TempDir
    Path dir;

    private static TestCluster cluster;
    private final List<Backend> backends = new ArrayList<>();
    private ChildProcess nginx;
    private MusterClient client;
    private Renderer renderer;

    @BeforeAll
    static void startCluster() {
        Fixtures.requireCommand("nginx");
        cluster = Fixtures.cluster();
    }

    @AfterAll
    static void stopCluster() {
        Fixtures.closeQuietly(cluster);
    }

    /** Three backends of {@code service}, registered with HTTP checks, all passing. */
    private void backends(String service) throws Exception {
        for (String name : List.of("b1", "b2", "b3")) {
            Backend b = new Backend(name);
            backends.add(b);
            Fixtures.register(cluster, service, name, b.registration());
        }
        Fixtures.awaitPassing(cluster, service, 3);
    }

    @AfterEach
    void stop() {
        Fixtures.closeQuietly(renderer);
        Fixtures.closeQuietly(client);
        Fixtures.closeQuietly(nginx);
        backends.forEach(Backend::close);
    }

    @Test
    void trafficFollowsTheRegistryThroughRenderedReloads() throws Exception {
        backends("web");
        int port = Fixtures.freePort();
        Path upstream = dir.resolve("upstream.conf");
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, nginxConf(port, upstream));
        String nginxArgs = " -p " + dir + "/ -c " + conf + " -e " + dir.resolve("error.log");
        String template = Fixtures.example("nginx-upstream.tmpl").toString();

        // One-shot mode, as a deploy script would run it before starting the balancer.
        var err = new ByteArrayOutputStream();
        int status = RenderMain.run(List.of("--once", "--template", template + ":" + upstream, "--addr",
                String.join(",", Fixtures.members(cluster))), Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String first = Files.readString(upstream);
        for (Backend b : backends) {
            assertTrue(first.contains("server 127.0.0.1:" + b.port() + " weight=1;"), first);
        }

        nginx = ChildProcess.start(dir, "nginx", List.of(Fixtures.binary("nginx"), "-p", dir + "/", "-c",
                conf.toString(), "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")).awaitListening(port, dir.resolve("error.log"));
        Traffic traffic = new Traffic(port);
        traffic.awaitBatch("traffic through nginx to all three backends", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b2", "b3")));

        client = MusterClient.builder().members(Fixtures.members(cluster)).build();
        TemplateSpec spec = new TemplateSpec(Path.of(template), upstream,
                Optional.of(Fixtures.binary("nginx") + nginxArgs + " -s reload"),
                Optional.of(Fixtures.binary("nginx") + nginxArgs + " -t -q"));
        renderer = new Renderer(client, List.of(TemplateFile.load(spec)), Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(10), new ShellCommand(Duration.ofSeconds(30)));
        renderer.watch();
        TestCluster.await("the first pass", Fixtures.DEADLINE, () -> renderer.passes() >= 1);
        assertEquals(0, renderer.reloads(), "the file the one-shot run wrote is current: no reload");

        Backend b2 = backends.get(1);
        b2.healthy(false);
        traffic.awaitBatch("no request to b2 once it fails its check", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b3")));
        // The old worker keeps accepting on the shared socket until it takes the master's QUIT, so a batch can come
        // all from the new worker while the old one still serves the old upstream: wait until it has gone.
        awaitOneWorker(nginx.pid());
        long servedBefore = b2.served();
        List<String> after = traffic.batch(30);
        assertFalse(after.contains("b2"), after.toString());
        assertEquals(servedBefore, b2.served(), "b2 served requests after it was dropped");
        assertFalse(Files.readString(upstream).contains(":" + b2.port()), Files.readString(upstream));
        // The reload is counted when its command returns, which may be after nginx already switched.
        TestCluster.await("the reload counted", Fixtures.DEADLINE, () -> renderer.reloads() >= 1);
        assertEquals(1, renderer.reloads(), "one change, one reload");

        b2.healthy(true);
        traffic.awaitBatch("traffic back on b2 once it passes again", 30, Fixtures.DEADLINE,
                batch -> Set.copyOf(batch).equals(Set.of("b1", "b2", "b3")));
        TestCluster.await("the second reload counted", Fixtures.DEADLINE, () -> renderer.reloads() >= 2);
        long reloads = renderer.reloads();
        assertTrue(reloads >= 2 && reloads <= 3, "two changes gave " + reloads + " reloads");
        assertTrue(nginx.alive(), nginx.output());
    }

    /** Waits until the nginx master has exactly one worker and it is not shutting down (a reload has finished). */
    private static void awaitOneWorker(long master) {
        TestCluster.await("nginx's old worker gone after the reload", Fixtures.DEADLINE, () -> {
            List<String> titles = ProcessHandle.of(master).map(p -> p.children().map(NginxRenderTest::title).toList())
                    .orElse(List.of());
            return titles.size() == 1 && titles.get(0).contains("worker process") && !titles.get(0).contains("shutting down");
        });
    }

    /** The title nginx gives a process (it rewrites its argv), read from /proc. */
    private static String title(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ').trim();
        } catch (java.io.IOException e) {
            return "gone";
        }
    }

    @Test
    void aConfigurationNginxRefusesIsRolledBackAndNotReloaded() throws Exception {
        backends("refused");
        int port = Fixtures.freePort();
        Path upstream = dir.resolve("upstream.conf");
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, nginxConf(port, upstream));
        String good = "upstream web { server 127.0.0.1:" + backends.get(0).port() + "; }\n";
        Files.writeString(upstream, good);
        // A template nginx cannot load: a directive that does not exist.
        Path broken = dir.resolve("broken.tmpl");
        Files.writeString(broken, "upstream web {\n{{#service.refused}}    no_such_directive {{hostPort}};\n{{/service.refused}}}\n");
        String nginxArgs = " -p " + dir + "/ -c " + conf + " -e " + dir.resolve("error.log");
        Path marker = dir.resolve("reloaded");
        client = MusterClient.builder().members(Fixtures.members(cluster)).build();
        TemplateSpec spec = new TemplateSpec(broken, upstream, Optional.of("touch " + marker),
                Optional.of(Fixtures.binary("nginx") + nginxArgs + " -t -q"));
        renderer = new Renderer(client, List.of(TemplateFile.load(spec)), Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(10), new ShellCommand(Duration.ofSeconds(30)));

        assertEquals(1, renderer.renderAll(), "the check refused the file");
        assertEquals(good, Files.readString(upstream), "the previous file is back");
        assertFalse(Files.exists(marker), "no reload after a refused check");
        assertEquals(0, renderer.reloads());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    /**
     * nginx's own {@code resolver} over Muster's DNS (no renderer): {@code proxy_pass} to a name re-resolved every
     * second. Three backends on three loopback addresses, one port; a critical one leaves the A answer and nginx.
     */
    @Test
    void nginxResolverFollowsMusterDns() throws Exception {
        int backendPort = -1;
        for (int attempt = 0; attempt < 5 && backendPort < 0; attempt++) {
            int candidate = Fixtures.freePort();
            List<Backend> bound = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    bound.add(new Backend("d" + i, "127.0.0." + i, candidate));
                }
                backends.addAll(bound);
                backendPort = candidate;
            } catch (java.net.BindException e) {
                bound.forEach(Backend::close);
            }
        }
        assertTrue(backendPort > 0, "no port free on 127.0.0.1-3");
        for (Backend b : backends) {
            Fixtures.register(cluster, "dnsweb", b.name(), b.registration());
        }
        Fixtures.awaitPassing(cluster, "dnsweb", 3);
        int port = Fixtures.freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                worker_processes 1;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    resolver 127.0.0.1:%2$d valid=1s ipv6=off;
                    resolver_timeout 2s;
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            set $backend dnsweb.service.muster;
                            proxy_pass http://$backend:%4$d;
                            proxy_next_upstream off;
                        }
                    }
                }
                """.formatted(dir, cluster.ports(0).dns(), port, backendPort));
        nginx = ChildProcess.start(dir, "nginx", List.of(Fixtures.binary("nginx"), "-p", dir + "/", "-c",
                conf.toString(), "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")).awaitListening(port, dir.resolve("error.log"));
        Traffic traffic = new Traffic(port);
        // nginx sends every request to the first address of the answer it holds, and Muster shuffles each answer:
        // all three show up over successive answers, not within one.
        // 60 s is some 55 answers: the chance that one address never comes first is below 1e-9.
        traffic.awaitSeen("requests on all three addresses", Set.of("d1", "d2", "d3"), Duration.ofSeconds(60));

        Backend d2 = backends.get(1);
        d2.healthy(false);
        Fixtures.awaitPassing(cluster, "dnsweb", 2);
        traffic.awaitBatch("no request to d2 once DNS drops it", 30, Fixtures.DEADLINE, batch -> !batch.contains("d2"));
        long servedBefore = d2.served();
        List<String> after = traffic.batch(60);
        assertFalse(after.contains("d2") || after.contains("error"), after.toString());
        assertEquals(servedBefore, d2.served(), "d2 served requests after DNS dropped it");

        d2.healthy(true);
        traffic.awaitSeen("d2 again once it passes", Set.of("d2"), Duration.ofSeconds(60));
        assertTrue(nginx.alive(), nginx.output());
    }

    private String nginxConf(int port, Path upstream) {
        return """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                worker_processes 1;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %2$s;
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            proxy_pass http://web;
                            proxy_next_upstream off;
                        }
                    }
                }
                """.formatted(dir, upstream, port);
    }
}
