package io.muster.server.testing;

import io.muster.server.MusterServer;
import io.muster.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Real Muster members in this JVM, talking Raft, HTTP and DNS over loopback sockets on free ports. Members can
 * be killed (no goodbye), stopped gracefully, restarted from their data directory, or wiped.
 */
public final class TestCluster implements AutoCloseable {
    private final int size;
    private final int initialMembers;
    private final Path root;
    private final List<Ports> ports = new ArrayList<>();
    private final MusterServer[] servers;
    private final Map<String, String> extra;
    // HTTP/1.1: the JDK client's h2c upgrade left a request hanging past its timeout once a member was removed.
    private volatile HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String scheme = "http";
    /** Flags for single members on top of {@link #extra}, e.g. a member with another certificate. */
    private final Map<Integer, Map<String, String>> memberFlags = new java.util.concurrent.ConcurrentHashMap<>();

    public record Ports(int http, int raft, int dns) {
    }

    public TestCluster(int size) {
        this(size, Map.of());
    }

    /** @param extra extra server flags, without the leading dashes, applied to every member */
    public TestCluster(int size, Map<String, String> extra) {
        this(size, size, extra);
    }

    /**
     * @param size port slots and data directories prepared
     * @param initialMembers how many of them form the initial configuration; the others join later through the
     *        cluster API (each starts knowing the initial members and itself)
     */
    public TestCluster(int size, int initialMembers, Map<String, String> extra) {
        this.size = size;
        this.initialMembers = initialMembers;
        this.extra = extra;
        this.servers = new MusterServer[size];
        try {
            this.root = Files.createTempDirectory("muster-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < size; i++) {
            ports.add(new Ports(freePort(), freePort(), freePort()));
        }
    }

    /** Ports handed out in this JVM: never handed out twice, so a member still closing cannot collide. */
    private static final java.util.Set<Integer> USED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A port free for both TCP and UDP (DNS binds both) and not handed out before in this JVM. */
    public static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(port)) {
                if (USED.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                // taken for UDP: try another
            }
        }
        throw new IllegalStateException("no free port found");
    }

    /**
     * Talks HTTPS to the members (started with {@code --tls-cert}), with this client context. The connect timeout
     * covers the TLS handshake too, which a loaded machine's cold JVM can take seconds over.
     */
    public TestCluster https(javax.net.ssl.SSLContext context) {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(15))
                .sslContext(context).build();
        scheme = "https";
        return this;
    }

    /** Starts member i from now on with these flags on top of the cluster's (they win). */
    public TestCluster memberFlags(int i, Map<String, String> flags) {
        memberFlags.put(i, Map.copyOf(flags));
        return this;
    }

    public String id(int i) {
        return "n" + (i + 1);
    }

    public Ports ports(int i) {
        return ports.get(i);
    }

    public String peers() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < initialMembers; i++) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(peer(i));
        }
        return sb.toString();
    }

    public String peer(int i) {
        return id(i) + "@127.0.0.1:" + ports.get(i).raft();
    }

    public ServerConfig config(int i) {
        List<String> args = new ArrayList<>(List.of(
                "--id", id(i),
                "--data-dir", root.resolve(id(i)).toString(),
                "--http", "127.0.0.1:" + ports.get(i).http(),
                "--raft", "127.0.0.1:" + ports.get(i).raft(),
                "--dns", "127.0.0.1:" + ports.get(i).dns(),
                "--peers", i < initialMembers ? peers() : peers() + "," + peer(i)));
        // Test targets listen on loopback, which checks reach only when allowed (a test may override it).
        Map<String, String> flags = new HashMap<>(Map.of("election-timeout", "500ms", "shutdown-timeout", "2s",
                "check-allow", "127.0.0.0/8"));
        flags.putAll(extra);
        flags.putAll(memberFlags.getOrDefault(i, Map.of()));
        flags.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return ServerConfig.parse(args, Map.of());
    }

    public TestCluster start() {
        for (int i = 0; i < initialMembers; i++) {
            start(i);
        }
        awaitLeader(Duration.ofSeconds(30));
        return this;
    }

    public MusterServer start(int i) {
        try {
            servers[i] = new MusterServer(config(i)).start();
            return servers[i];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MusterServer server(int i) {
        return servers[i];
    }

    public boolean running(int i) {
        return servers[i] != null;
    }

    /** Stops member i as a crash would. */
    public void kill(int i) {
        if (servers[i] != null) {
            servers[i].kill();
            servers[i] = null;
        }
    }

    /** Stops member i gracefully (leadership handed over, requests drained). */
    public void stop(int i) {
        if (servers[i] != null) {
            servers[i].close();
            servers[i] = null;
        }
    }

    /** Deletes member i's data directory (it must be stopped). */
    public void wipe(int i) throws IOException {
        Path dir = root.resolve(id(i));
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public String url(int i) {
        return scheme + "://127.0.0.1:" + ports.get(i).http();
    }

    /** Index of the member that leads now, as the running members agree, if any. */
    public Optional<Integer> leader() {
        for (int i = 0; i < size; i++) {
            if (servers[i] != null && servers[i].node().isReadyLeader()) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    public int awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Integer> l = leader();
            if (l.isPresent()) {
                return l.get();
            }
            sleep(50);
        }
        throw new AssertionError("no leader within " + timeout);
    }

    public int anyFollower() {
        int leader = awaitLeader(Duration.ofSeconds(30));
        for (int i = 0; i < size; i++) {
            if (i != leader && servers[i] != null) {
                return i;
            }
        }
        throw new AssertionError("no running follower");
    }

    public HttpResponse<String> send(String method, int member, String path, String body) {
        return send(method, member, path, body, Duration.ofSeconds(20));
    }

    public HttpResponse<String> send(String method, int member, String path, String body, Duration timeout) {
        return send(method, member, path, body, timeout, null);
    }

    /**
     * A call with {@code Authorization: Bearer token}, for members started with ACL flags.
     *
     * @param token the secret to send, or null for none
     */
    public HttpResponse<String> sendAs(String token, String method, int member, String path, String body) {
        return send(method, member, path, body, Duration.ofSeconds(20), token);
    }

    private HttpResponse<String> send(String method, int member, String path, String body, Duration timeout, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(member) + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(int member, String path) {
        return send("GET", member, path, null);
    }

    public HttpResponse<String> put(int member, String path, String body) {
        return send("PUT", member, path, body);
    }

    public HttpResponse<String> delete(int member, String path) {
        return send("DELETE", member, path, null);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        // Members stop in parallel, each bounded: a Ratis server that will not close must not hang the test JVM.
        java.util.concurrent.ExecutorService stopper = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-cluster-close");
            t.setDaemon(true);
            return t;
        });
        List<java.util.concurrent.Future<?>> stops = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int member = i;
            stops.add(stopper.submit(() -> kill(member)));
        }
        for (java.util.concurrent.Future<?> f : stops) {
            try {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("TestCluster: a member did not stop within 30 s: " + e);
            }
        }
        stopper.shutdownNow();
        try {
            wipeAll();
        } catch (IOException ignored) {
            // best effort: the directory is under the system temp dir
        }
    }

    private void wipeAll() throws IOException {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The body of an answer as JSON; an answer that is not JSON fails the test with its body. */
    public static com.fasterxml.jackson.databind.JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }
}
