package io.muster.server.openapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.testing.TestCluster;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.json describes the API that runs: the jar serves the same bytes, the router's routes and the
 * document's operations are the same set, and real answers of a running member (successes and each kind of error)
 * match the document's schemas.
 */
class OpenApiContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCluster cluster;
    private static OpenApiDocument doc;
    private static final List<String> checked = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = new TestCluster(1).start();
        doc = new OpenApiDocument();
        TestCluster.await("the member to be ready", Duration.ofSeconds(30),
                () -> cluster.get(0, "/health/ready").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void jarServesTheCheckedInBytes() throws Exception {
        byte[] file = Files.readAllBytes(OpenApiDocument.FILE);
        byte[] resource;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
            resource = in.readAllBytes();
        }
        assertArrayEquals(file, resource, "the jar's muster/openapi.json must be docs/openapi.json");
        var served = cluster.get(0, "/v1/openapi.json");
        assertEquals(200, served.statusCode());
        assertEquals(JSON.readTree(file), JSON.readTree(served.body()));
        assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("3.1.0", doc.root().path("openapi").asText());
    }

    @Test
    void routerAndDocumentHaveTheSameOperations() {
        Set<String> routes = new TreeSet<>();
        for (Route r : cluster.server(0).httpRouter().getRoutes()) {
            String path = r.getPath();
            if (path == null || r.methods() == null || r.methods().isEmpty()) {
                continue; // handlers on every request (timing, body limits), not routes
            }
            for (HttpMethod m : r.methods()) {
                routes.add(m.name() + " " + template(path));
            }
        }
        assertEquals(routes, doc.operations(), "routes in HttpApi vs paths in docs/openapi.json");
    }

    /** Vert.x's ":name" as OpenAPI writes it; a prefix route ("/ui/*", which Vert.x reports as "/ui/") as "/ui/{file}". */
    private static String template(String vertxPath) {
        String p = vertxPath.replaceAll(":([A-Za-z]+)", "{$1}");
        return p.length() > 1 && p.endsWith("/") ? p + "{file}" : p;
    }

    @Test
    void schemasRejectWrongAnswers() throws Exception {
        JsonNode badStatus = JSON.readTree("{\"service\":\"web\",\"index\":1,\"instances\":[{\"id\":\"a\",\"address\":\"x\","
                + "\"port\":1,\"tags\":[],\"metadata\":{},\"weight\":1,\"status\":\"dead\",\"note\":\"\","
                + "\"registeredAt\":\"2026-01-01T00:00:00Z\",\"statusSince\":\"2026-01-01T00:00:00Z\"}]}");
        assertFalse(doc.check("GET", "/v1/services/{service}", 200, badStatus).isEmpty(), "status dead is not a status");
        assertFalse(doc.check("GET", "/v1/services", 200, JSON.readTree("{\"web\":{\"instances\":1}}")).isEmpty(),
                "a summary without its counts");
        assertFalse(doc.check("DELETE", "/v1/services/{service}/instances/{id}", 404, JSON.readTree("{\"error\":\"not_found\"}")).isEmpty(),
                "an error without a message");
        assertFalse(doc.check("GET", "/v1/cluster", 418, JSON.readTree("{}")).isEmpty(), "an undocumented status");
    }

    @Test
    void answersMatchTheSchemas() throws Exception {
        String reg = "{\"address\":\"10.0.0.1\",\"port\":8080,\"tags\":[\"primary\"],\"metadata\":{\"v\":\"1\"},\"weight\":3,"
                + "\"check\":{\"ttl\":\"30s\",\"deregisterAfter\":\"5m\"}}";
        assertEquals(Set.of(), doc.validate(doc.requestSchema("PUT", "/v1/services/{service}/instances/{id}").orElseThrow(),
                JSON.readTree(reg)), "the example registration matches the request schema");
        expect("PUT", "/v1/services/{service}/instances/{id}", "/v1/services/web/instances/w1", reg, 200);
        expect("PUT", "/v1/services/{service}/instances/{id}", "/v1/services/web/instances/w2",
                "{\"address\":\"web2.example\",\"port\":81}", 200);
        expect("PUT", "/v1/services/{service}/instances/{id}", "/v1/services/web/instances/w3",
                "{\"address\":\"10.9.9.9\",\"port\":81,\"check\":{\"tcp\":\"10.9.9.9:81\",\"interval\":\"10s\",\"timeout\":\"1s\"}}", 200);
        expect("PUT", "/v1/services/{service}/instances/{id}/heartbeat", "/v1/services/web/instances/w1/heartbeat",
                "{\"status\":\"warning\",\"note\":\"slow\"}", 200);
        expect("GET", "/v1/services", "/v1/services", null, 200);
        expect("GET", "/v1/services", "/v1/services?consistency=stale", null, 200);
        expect("GET", "/v1/services/{service}", "/v1/services/web", null, 200);
        expect("GET", "/v1/services/{service}", "/v1/services/nothing-here?healthy=true&tag=primary", null, 200);
        long index = TestCluster.json(cluster.get(0, "/v1/services/web")).path("index").asLong();
        expect("GET", "/v1/services/{service}", "/v1/services/web?index=" + index + "&wait=100ms", null, 200);
        expect("GET", "/v1/services", "/v1/services?index=" + index + "&wait=100ms", null, 200);
        expect("GET", "/v1/cluster", "/v1/cluster", null, 200);
        expect("GET", "/v1/operator/self-preservation", "/v1/operator/self-preservation", null, 200);
        expect("PUT", "/v1/operator/self-preservation", "/v1/operator/self-preservation", "{\"enabled\":true}", 200);
        expect("GET", "/health/live", "/health/live", null, 200);
        expect("GET", "/health/ready", "/health/ready", null, 200);
        expect("DELETE", "/v1/services/{service}/instances/{id}", "/v1/services/web/instances/w2", null, 200);

        // The errors, each as the contract's error body.
        expect("PUT", "/v1/services/{service}/instances/{id}", "/v1/services/web/instances/w1", "{\"address\":\"x\",\"port\":0}", 400);
        expect("PUT", "/v1/services/{service}/instances/{id}", "/v1/services/Bad_Name/instances/w1", "{}", 400);
        expect("PUT", "/v1/services/{service}/instances/{id}", "/v1/services/web/instances/w1", "{\"address\":\"" + "x".repeat(70_000) + "\",\"port\":80}", 413);
        var notJson = cluster.send("PUT", 0, "/v1/services/web/instances/w1", null);
        check("PUT", "/v1/services/{service}/instances/{id}", notJson);
        expect("DELETE", "/v1/services/{service}/instances/{id}", "/v1/services/web/instances/gone", null, 404);
        expect("PUT", "/v1/services/{service}/instances/{id}/heartbeat", "/v1/services/web/instances/gone/heartbeat", null, 404);
        expect("GET", "/v1/services/{service}", "/v1/services/web?wait=1s", null, 400);
        expect("GET", "/v1/services", "/v1/services?consistency=sometimes", null, 400);
        expect("POST", "/v1/cluster/members", "/v1/cluster/members", "{\"id\":\"n1\",\"raftAddress\":\"127.0.0.1:1\"}", 409);
        expect("POST", "/v1/cluster/members", "/v1/cluster/members", "{\"id\":\"n9\",\"raftAddress\":\"nowhere\"}", 400);
        expect("DELETE", "/v1/cluster/members/{id}", "/v1/cluster/members/n9", null, 404);
        expect("POST", "/v1/cluster/leader/transfer", "/v1/cluster/leader/transfer", "{\"to\":\"n9\"}", 400);
        expect("POST", "/v1/cluster/leader/transfer", "/v1/cluster/leader/transfer", null, 503);
        expect("PUT", "/v1/operator/self-preservation", "/v1/operator/self-preservation", "{\"enabled\":\"yes\"}", 400);
        expect("PUT", "/v1/snapshot", "/v1/snapshot", "not a snapshot", 400);

        // A snapshot round trip: its answer is a file; restoring it answers the counts.
        HttpResponse<byte[]> saved = bytes("GET", "/v1/snapshot", null);
        assertEquals(200, saved.statusCode());
        HttpResponse<byte[]> restored = bytes("PUT", "/v1/snapshot", saved.body());
        assertEquals(200, restored.statusCode(), new String(restored.body()));
        assertNoProblems("PUT", "/v1/snapshot", 200, JSON.readTree(restored.body()));

        // Routes and methods the API lacks answer the contract's error bodies too.
        var unknown = cluster.get(0, "/v1/nothing");
        assertEquals(404, unknown.statusCode());
        assertEquals(Set.of(), doc.validate("/components/schemas/Error", TestCluster.json(unknown)));
        var wrongMethod = cluster.send("POST", 0, "/v1/services", "{}");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals(Set.of(), doc.validate("/components/schemas/Error", TestCluster.json(wrongMethod)));
        assertFalse(checked.isEmpty());
    }

    private static HttpResponse<byte[]> bytes(String method, String path, byte[] body) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.url(0) + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/octet-stream")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void expect(String method, String template, String path, String body, int status) {
        HttpResponse<String> r = cluster.send(method, 0, path, body);
        assertEquals(status, r.statusCode(), method + " " + path + " answered " + r.body());
        check(method, template, r);
    }

    private static void check(String method, String template, HttpResponse<String> r) {
        assertNoProblems(method, template, r.statusCode(), TestCluster.json(r));
    }

    private static void assertNoProblems(String method, String template, int status, JsonNode body) {
        Set<String> problems = doc.check(method, template, status, body);
        assertEquals(Set.of(), problems, method + " " + template + " " + status + ": " + body);
        checked.add(method + " " + template + " " + status);
    }
}
