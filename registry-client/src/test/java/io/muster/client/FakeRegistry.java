package io.muster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory registry speaking the contract's instance and read endpoints over real loopback HTTP, with
 * blocking queries, and switchable into the ways a real one (or a proxy in front of it) can misbehave.
 */
final class FakeRegistry implements AutoCloseable {

    enum Mode {
        NORMAL,
        /** 200 with a body that is not JSON. */
        GARBAGE,
        /** 200 JSON of the wrong shape. */
        WRONG_SHAPE,
        /** 200 text/html, like a captive portal or a misrouted proxy. */
        HTML,
        /** 500 internal error. */
        ERROR_500,
        /** 503 no_leader. */
        UNAVAILABLE,
        /** Accepts the request and never answers. */
        HANG
    }

    record Instance(String id, String address, int port, List<String> tags, Map<String, String> metadata, int weight,
            String status, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INSTANCE = Pattern.compile("^/v1/services/([^/]+)/instances/([^/]+)(/heartbeat)?$");
    private static final Pattern SERVICE = Pattern.compile("^/v1/services/([^/]+)$");

    private final Object lock = new Object();
    private final Map<String, Map<String, Instance>> services = new TreeMap<>();
    private final Map<String, Long> serviceIndex = new TreeMap<>();
    private long globalIndex = 10;

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> registrations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deletes = new ConcurrentHashMap<>();

    private volatile Mode mode = Mode.NORMAL;
    private volatile boolean knownLeader = true;
    private volatile long lastContactMs;
    private volatile boolean running;
    private HttpServer server;
    private ExecutorService executor;
    private int port;

    static FakeRegistry start() throws IOException {
        FakeRegistry registry = new FakeRegistry();
        registry.bind(0);
        return registry;
    }

    /** A loopback address nothing listens on: connections to it are refused at once. */
    static String deadAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    String address() {
        return "http://127.0.0.1:" + port;
    }

    private final java.util.concurrent.atomic.AtomicBoolean loseNextDeleteAnswer = new java.util.concurrent.atomic.AtomicBoolean();

    /** The next DELETE is applied, but answered {@code 503 unavailable} "outcome unknown". */
    void loseNextDeleteAnswer() {
        loseNextDeleteAnswer.set(true);
    }

    void misbehave(Mode newMode) {
        mode = newMode;
    }

    /**
     * What reads say about this member's leader, as a member cut off from the cluster says it: {@code false} and
     * a growing last contact on an isolated follower, {@code false} and 0 on a deposed leader.
     */
    void leader(boolean known, long lastContact) {
        knownLeader = known;
        lastContactMs = lastContact;
    }

    /** Stops listening: the port refuses connections and blocked queries are dropped. */
    void stop() {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    /** Listens again on the same port, with the same state. */
    void restart() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                bind(port);
                return;
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    @Override
    public void close() {
        if (running) {
            stop();
        }
    }

    // ---- state, as a test sets it up or inspects it ----

    void put(String service, String id, int port) {
        put(service, new Instance(id, "10.0.0." + (Math.abs(id.hashCode()) % 250 + 1), port, List.of(), Map.of(), 1,
                "passing", null));
    }

    void put(String service, Instance instance) {
        synchronized (lock) {
            services.computeIfAbsent(service, s -> new TreeMap<>()).put(instance.id(), instance);
            touch(service);
        }
    }

    boolean remove(String service, String id) {
        synchronized (lock) {
            Map<String, Instance> instances = services.get(service);
            if (instances == null || instances.remove(id) == null) {
                return false;
            }
            touch(service);
            return true;
        }
    }

    /** Removes several instances in one change, as one batched expiry would. */
    void removeTogether(String service, String... ids) {
        synchronized (lock) {
            Map<String, Instance> instances = services.getOrDefault(service, new TreeMap<>());
            for (String id : ids) {
                instances.remove(id);
            }
            touch(service);
        }
    }

    void removeAll(String service) {
        synchronized (lock) {
            services.remove(service);
            touch(service);
        }
    }

    void setStatus(String service, String id, String status) {
        synchronized (lock) {
            Instance old = services.get(service).get(id);
            services.get(service).put(id, new Instance(old.id(), old.address(), old.port(), old.tags(), old.metadata(),
                    old.weight(), status, old.body()));
            touch(service);
        }
    }

    /** Moves a service's index back, as a member restored from an older snapshot would. */
    void rewindIndex(String service, long index) {
        synchronized (lock) {
            serviceIndex.put(service, index);
            lock.notifyAll();
        }
    }

    long index(String service) {
        synchronized (lock) {
            return serviceIndex.getOrDefault(service, 0L);
        }
    }

    Instance instance(String service, String id) {
        synchronized (lock) {
            return services.getOrDefault(service, Map.of()).get(id);
        }
    }

    int heartbeats(String id) {
        return heartbeats.getOrDefault(id, new AtomicInteger()).get();
    }

    int registrations(String id) {
        return registrations.getOrDefault(id, new AtomicInteger()).get();
    }

    int deletes(String id) {
        return deletes.getOrDefault(id, new AtomicInteger()).get();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    long countRequests(String prefix) {
        return requests.stream().filter(r -> r.startsWith(prefix)).count();
    }

    // ---- HTTP ----

    private void bind(int wanted) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-registry-" + wanted);
            t.setDaemon(true);
            return t;
        });
        created.setExecutor(executor);
        created.createContext("/", this::handle);
        created.start();
        server = created;
        port = created.getAddress().getPort();
        running = true;
    }

    private void touch(String service) {
        serviceIndex.put(service, ++globalIndex);
        lock.notifyAll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            requests.add(method + " " + uri);
            byte[] body = exchange.getRequestBody().readAllBytes();
            switch (mode) {
                case NORMAL -> route(exchange, method, uri, body);
                case GARBAGE -> send(exchange, 200, "application/json", "{\"service\": \"web\", \"instan");
                case WRONG_SHAPE -> send(exchange, 200, "application/json", "[{\"id\": 7}, \"instances\"]");
                case HTML -> send(exchange, 200, "text/html", "<html><body>Please log in</body></html>");
                case ERROR_500 -> send(exchange, 500, "application/json", "{\"error\":\"internal\",\"message\":\"boom\"}");
                case UNAVAILABLE -> {
                    exchange.getResponseHeaders().add("Retry-After", "0");
                    send(exchange, 503, "application/json", "{\"error\":\"no_leader\",\"message\":\"no quorum\"}");
                }
                case HANG -> {
                    while (mode == Mode.HANG && running) {
                        sleep(20);
                    }
                }
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void route(HttpExchange exchange, String method, URI uri, byte[] body) throws IOException {
        String path = uri.getPath();
        Matcher instance = INSTANCE.matcher(path);
        Matcher service = SERVICE.matcher(path);
        if (instance.matches() && instance.group(3) != null && method.equals("PUT")) {
            heartbeat(exchange, instance.group(1), instance.group(2), body);
        } else if (instance.matches() && instance.group(3) == null && method.equals("PUT")) {
            register(exchange, instance.group(1), instance.group(2), body);
        } else if (instance.matches() && instance.group(3) == null && method.equals("DELETE")) {
            deregister(exchange, instance.group(1), instance.group(2));
        } else if (service.matches() && method.equals("GET")) {
            read(exchange, service.group(1), query(uri));
        } else {
            error(exchange, 404, "not_found", "no route " + method + " " + path);
        }
    }

    private void register(HttpExchange exchange, String service, String id, byte[] body) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            error(exchange, 400, "invalid_argument", "malformed JSON");
            return;
        }
        if (!node.path("address").isTextual() || !node.path("port").canConvertToInt()) {
            error(exchange, 400, "invalid_argument", "address and port are required");
            return;
        }
        if (node.path("address").asText().equals("reject.invalid")) {
            exchange.getResponseHeaders().add("X-Field", "address");
            send(exchange, 400, "application/json",
                    "{\"error\":\"invalid_argument\",\"message\":\"unresolvable\",\"field\":\"address\"}");
            return;
        }
        List<String> tags = new ArrayList<>();
        node.path("tags").forEach(t -> tags.add(t.asText()));
        Map<String, String> metadata = new TreeMap<>();
        node.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        registrations.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        long index;
        synchronized (lock) {
            put(service, new Instance(id, node.path("address").asText(), node.path("port").asInt(), tags, metadata,
                    node.path("weight").asInt(1), "passing", node));
            index = globalIndex;
        }
        send(exchange, 200, "application/json; charset=utf-8", "{\"index\":" + index + "}");
    }

    private void heartbeat(HttpExchange exchange, String service, String id, byte[] body) throws IOException {
        String status;
        try {
            status = body.length == 0 ? "passing" : JSON.readTree(body).path("status").asText("passing");
        } catch (IOException e) {
            error(exchange, 400, "invalid_argument", "malformed JSON");
            return;
        }
        synchronized (lock) {
            Instance current = instance(service, id);
            if (current == null) {
                error(exchange, 404, "not_found", "unknown instance " + service + "/" + id);
                return;
            }
            heartbeats.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (!current.status().equals(status)) {
                setStatus(service, id, status);
            }
        }
        send(exchange, 200, "application/json; charset=utf-8", "{}");
    }

    private void deregister(HttpExchange exchange, String service, String id) throws IOException {
        deletes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        long index;
        synchronized (lock) {
            if (!remove(service, id)) {
                error(exchange, 404, "not_found", "unknown instance " + service + "/" + id);
                return;
            }
            index = globalIndex;
        }
        if (loseNextDeleteAnswer.compareAndSet(true, false)) {
            // Applied, but the answer is lost, as a registry whose forward timed out reports it.
            exchange.getResponseHeaders().add("Retry-After", "0");
            send(exchange, 503, "application/json", "{\"error\":\"unavailable\",\"message\":\"outcome unknown: no answer\"}");
            return;
        }
        send(exchange, 200, "application/json; charset=utf-8", "{\"index\":" + index + "}");
    }

    private void read(HttpExchange exchange, String service, Map<String, List<String>> query) throws IOException {
        long wanted = Long.parseLong(first(query, "index", "0"));
        long waitMs = parseDuration(first(query, "wait", "60s"));
        boolean healthy = "true".equals(first(query, "healthy", "false"));
        List<String> tags = query.getOrDefault("tag", List.of());
        ObjectNode answer = JSON.createObjectNode();
        long index;
        synchronized (lock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            while (wanted > 0 && serviceIndex.getOrDefault(service, 0L) <= wanted && running) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    break;
                }
                try {
                    lock.wait(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!running) {
                return;
            }
            index = serviceIndex.getOrDefault(service, 0L);
            answer.put("service", service);
            answer.put("index", index);
            ArrayNode array = answer.putArray("instances");
            for (Instance i : services.getOrDefault(service, Map.of()).values()) {
                if (healthy && !i.status().equals("passing") || !i.tags().containsAll(tags)) {
                    continue;
                }
                ObjectNode node = array.addObject();
                node.put("id", i.id());
                node.put("address", i.address());
                node.put("port", i.port());
                i.tags().forEach(node.putArray("tags")::add);
                ObjectNode metadata = node.putObject("metadata");
                i.metadata().forEach(metadata::put);
                node.put("weight", i.weight());
                node.put("status", i.status());
                node.put("note", "");
                node.putObject("check").put("ttl", "10s");
                node.put("registeredAt", 1700000000000L);
                node.put("statusSince", 1700000000000L);
                node.put("someFutureField", true);
            }
        }
        exchange.getResponseHeaders().add("X-Muster-Index", Long.toString(index));
        exchange.getResponseHeaders().add("X-Muster-Known-Leader", Boolean.toString(knownLeader));
        exchange.getResponseHeaders().add("X-Muster-Last-Contact", Long.toString(lastContactMs));
        send(exchange, 200, "application/json; charset=utf-8", JSON.writeValueAsString(answer));
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode node = JSON.createObjectNode().put("error", code).put("message", message);
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsString(node));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, List<String>> query(URI uri) {
        Map<String, List<String>> params = new TreeMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String first(Map<String, List<String>> query, String key, String fallback) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    static long parseDuration(String text) {
        Matcher m = Pattern.compile("^(\\d+)(ms|s|m|h)$").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad duration " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
