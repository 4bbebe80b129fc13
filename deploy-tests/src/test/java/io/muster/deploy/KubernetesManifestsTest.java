package io.muster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.server.ServerConfig;
import io.muster.server.http.HttpApi;
import io.muster.server.testing.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/ checked offline (no cluster, no Docker): every manifest parses and matches the Kubernetes API
 * schema (strict: a misspelt field fails), and {@link ManifestChecks} finds nothing the server would disagree with.
 * The broken copies below prove each kind of check fails when it should.
 */
class KubernetesManifestsTest {
    private static final String STS = "muster";
    /** Flags that place a member (addresses, identity, data): the test member keeps its own loopback ones. */
    private static final Set<String> PLACEMENT = Set.of("id", "data-dir", "http", "raft", "dns", "peers", "advertise-http");

    private static KubernetesSchema schema;
    private static Manifests manifests;
    private static TestCluster member;
    private static ManifestChecks.Server server;

    @BeforeAll
    static void setUp() throws Exception {
        schema = KubernetesSchema.fromNpmTarball(Path.of(System.getProperty("k8s.schema.tarball")),
                System.getProperty("k8s.schema.entry"), System.getProperty("k8s.schema.integrity"));
        manifests = Manifests.load(Path.of(System.getProperty("muster.k8s.dir")));

        // One real member, with the manifests' shared settings (ACLs on deny among them): probes must answer 200 there.
        Map<String, String> flags = new HashMap<>();
        manifests.get("ConfigMap", "muster-config").node().path("data").fields().forEachRemaining(e -> {
            String flag = flagOf(e.getKey());
            if (flag != null && !PLACEMENT.contains(flag)) {
                flags.put(flag, e.getValue().asText());
            }
        });
        flags.put("acl-bootstrap-token", ManifestChecks.SECRET_PLACEHOLDER);
        member = new TestCluster(1, flags).start();
        TestCluster.await("the member is ready", Duration.ofSeconds(30), () -> member.get(0, "/health/ready").statusCode() == 200);
        Set<String> gets = new TreeSet<>();
        HttpApi.declaredRoutes(member.server(0).httpRouter()).keySet().stream()
                .filter(r -> r.startsWith("GET ")).forEach(r -> gets.add(r.substring(4)));
        server = new ManifestChecks.Server(gets, path -> member.get(0, path).statusCode(), imageUid());
    }

    @AfterAll
    static void tearDown() {
        if (member != null) {
            member.close();
        }
    }

    private static String flagOf(String variable) {
        return ServerConfig.OPTIONS.keySet().stream().filter(f -> ServerConfig.envName(f).equals(variable)).findFirst().orElse(null);
    }

    /** The numeric user of the Dockerfile's last USER line. */
    private static int imageUid() throws IOException {
        Matcher m = Pattern.compile("(?m)^USER\\s+([0-9]+)").matcher(Files.readString(Path.of(System.getProperty("muster.dockerfile"))));
        int uid = -1;
        while (m.find()) {
            uid = Integer.parseInt(m.group(1));
        }
        assertTrue(uid > 0, "the Dockerfile's USER must be a numeric non-root user, for runAsNonRoot");
        return uid;
    }

    /** Schema problems and agreement problems together. */
    private static List<String> problems(Manifests m) {
        List<String> all = new ArrayList<>();
        for (Manifests.Doc d : m.resources()) {
            schema.validate(d.node()).forEach(p -> all.add(d + ": " + p));
        }
        all.addAll(ManifestChecks.check(m, server));
        return all;
    }

    @Test
    void theManifestsMatchTheKubernetesSchema() {
        assertEquals(Set.of("StatefulSet", "Service", "ConfigMap", "PodDisruptionBudget"),
                Set.copyOf(manifests.resources().stream().map(Manifests.Doc::kind).toList()));
        for (Manifests.Doc d : manifests.resources()) {
            assertTrue(schema.knows(d.node().path("apiVersion").asText(), d.kind()), d.toString());
            assertEquals(List.of(), schema.validate(d.node()), d + " against Kubernetes " + schema.version());
        }
    }

    @Test
    void theManifestsAgreeWithTheServer() {
        assertEquals(List.of(), ManifestChecks.check(manifests, server));
    }

    @Test
    void theRoutesComeFromTheServer() {
        assertTrue(server.getRoutes().containsAll(Set.of("/health/ready", "/health/live")), server.getRoutes().toString());
        assertEquals(200, server.statusOf().applyAsInt("/health/ready"), "readiness needs no token under deny");
        assertEquals(404, server.statusOf().applyAsInt("/health/readyz"));
        assertTrue(ManifestChecks.Server.variables().containsAll(Set.of("MUSTER_ID", "MUSTER_PEERS", "MUSTER_DATA_DIR")));
    }

    // ---- each kind of check fails on a manifest broken for it ----

    @Test
    void aMisspeltVariableFails() {
        fails(m -> {
            ObjectNode data = (ObjectNode) m.get("ConfigMap", "muster-config").node().path("data");
            data.set("MUSTER_DATADIR", data.remove("MUSTER_DATA_DIR"));
        }, "unknown environment variable MUSTER_DATADIR");
        fails(m -> ((ObjectNode) env(m, "MUSTER_ADVERTISE_HTTP")).put("name", "MUSTER_ADVERTISED_HTTP"),
                "unknown environment variable MUSTER_ADVERTISED_HTTP");
    }

    @Test
    void aProbeOnAPathTheServerDoesNotServeFails() {
        fails(m -> httpGet(m, "readinessProbe").put("path", "/health/readyz"), "/health/readyz, which is no GET route");
        fails(m -> httpGet(m, "readinessProbe").put("path", "/v1/services"), "readinessProbe must ask /health/ready");
    }

    @Test
    void livenessOnReadinessFails() {
        fails(m -> httpGet(m, "livenessProbe").put("path", "/health/ready"), "livenessProbe must ask /health/live");
        fails(m -> container(m).remove("readinessProbe"), "no readinessProbe");
        fails(m -> httpGet(m, "livenessProbe").put("port", 8753), "livenessProbe port 8753 is not the HTTP API's port");
    }

    @Test
    void schemaViolationsFail() {
        fails(m -> spec(m).put("replicas", "three"), "$.spec.replicas");
        fails(m -> spec(m).set("podManagmentPolicy", spec(m).remove("podManagementPolicy")), "podManagmentPolicy");
        fails(m -> container(m).remove("name"), "containers[0]: required property 'name'");
        fails(m -> ((ObjectNode) m.get("Service", "muster").node().path("spec").path("ports").get(0)).put("port", "http"),
                "$.spec.ports[0].port");
        fails(m -> m.get("PodDisruptionBudget", "muster").node().put("apiVersion", "policy/v2"), "no kind PodDisruptionBudget");
    }

    @Test
    void valuesTheServerRefusesFail() {
        fails(m -> data(m).put("MUSTER_SHUTDOWN_TIMEOUT", "10"), "--shutdown-timeout must be a duration");
        fails(m -> data(m).put("MUSTER_ACL_DEFAULT_POLICY", "closed"), "the server refuses its configuration");
    }

    @Test
    void peersThatAreNotStableNamesFail() {
        fails(m -> data(m).put("MUSTER_PEERS", "muster-0@10.0.0.1:8701,muster-1@10.0.0.2:8701,muster-2@10.0.0.3:8701"),
                "its host must be its stable name muster-0.muster-peers");
        fails(m -> data(m).put("MUSTER_PEERS", "n1@muster-0.muster-peers:8701,n2@muster-1.muster-peers:8701"),
                "--peers must include this member's id muster-0");
        fails(m -> spec(m).put("replicas", 5), "initial members [muster-0, muster-1, muster-2] must be the pods of 5 replicas");
        // An id written into the manifest is the same in every pod: the server takes it, two members would share it.
        fails(m -> ((ObjectNode) env(m, "MUSTER_ID")).put("value", "muster-1").remove("valueFrom"),
                "pod muster-0: member id muster-1 must be the pod's name");
        fails(m -> ((ObjectNode) env(m, "MUSTER_ID")).put("value", "n1").remove("valueFrom"), "--peers must include this member's id n1");
    }

    @Test
    void portsThatDoNotLineUpFail() {
        fails(m -> data(m).put("MUSTER_HTTP", "0.0.0.0:8800"), "no TCP containerPort 8800 for the HTTP API");
        fails(m -> ((ObjectNode) m.get("Service", "muster").node().path("spec").path("ports").get(1)).put("protocol", "TCP"),
                "no client Service");
        fails(m -> ((ObjectNode) m.get("Service", "muster").node().path("spec").path("ports").get(0)).put("targetPort", "api"),
                "targetPort api is no TCP port of the container");
    }

    @Test
    void anUndefinedReferenceFails() {
        fails(m -> ((ObjectNode) env(m, "MUSTER_ADVERTISE_HTTP")).put("value", "$(MUSTER_IDD).muster-peers:8700"),
                "refers to a variable not defined before it");
    }

    @Test
    void statefulSetRulesFail() {
        fails(m -> spec(m).put("podManagementPolicy", "OrderedReady"), "podManagementPolicy must be Parallel");
        fails(m -> podSpec(m).put("terminationGracePeriodSeconds", 10), "terminationGracePeriodSeconds 10 must cover");
        fails(m -> container(m).remove("lifecycle"), "no preStop hook");
        fails(m -> ((ObjectNode) podSpec(m).path("securityContext")).put("runAsUser", 0), "runAsUser must be a numeric non-root user");
        fails(m -> spec(m).remove("volumeClaimTemplates"), "no volumeClaimTemplates");
        fails(m -> data(m).put("MUSTER_DATA_DIR", "/srv/muster"), "data directory /srv/muster is on no volume");
        fails(m -> podSpec(m).remove("enableServiceLinks"), "enableServiceLinks must be false");
        fails(m -> ((ObjectNode) container(m).path("resources")).remove("requests"), "must request cpu and memory");
    }

    @Test
    void servicesAndBudgetRulesFail() {
        fails(m -> ((ObjectNode) m.get("Service", "muster-peers").node().path("spec")).remove("publishNotReadyAddresses"),
                "publishNotReadyAddresses must be true");
        fails(m -> ((ObjectNode) m.get("Service", "muster-peers").node().path("spec")).remove("clusterIP"), "must be headless");
        fails(m -> ((ObjectNode) m.get("PodDisruptionBudget", "muster").node().path("spec")).put("maxUnavailable", 2),
                "maxUnavailable must be 1");
        fails(m -> ((ObjectNode) m.get("Service", "muster").node().path("spec").path("selector"))
                .put("app.kubernetes.io/name", "other"), "selector must be non-empty and match");
        fails(m -> ((ArrayNode) m.kustomization().node().path("resources")).remove(0), "must be exactly the manifest files");
    }

    @Test
    void aTarballOtherThanThePinnedOneIsRefused() throws IOException {
        Path copy = Files.createTempFile("k8s-schema", ".tgz");
        try {
            byte[] bytes = Files.readAllBytes(Path.of(System.getProperty("k8s.schema.tarball")));
            bytes[bytes.length / 2] ^= 1;
            Files.write(copy, bytes);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> KubernetesSchema.fromNpmTarball(copy,
                    System.getProperty("k8s.schema.entry"), System.getProperty("k8s.schema.integrity")));
            assertTrue(e.getMessage().contains("not the pinned"), e.getMessage());
        } finally {
            Files.delete(copy);
        }
    }

    @Test
    void referencesExpandAsKubernetesExpandsThem() {
        Map<String, String> defined = Map.of("A", "x");
        assertEquals("x.peers:1", ManifestChecks.expand("$(A).peers:1", defined));
        assertEquals("$(B)", ManifestChecks.expand("$(B)", defined));
        assertEquals("$(A)", ManifestChecks.expand("$$(A)", defined));
    }

    private static void fails(Consumer<Manifests> breaker, String expected) {
        Manifests broken = manifests.copy();
        breaker.accept(broken);
        List<String> found = problems(broken);
        assertFalse(found.isEmpty(), "a manifest broken for \"" + expected + "\" passed");
        assertTrue(found.stream().anyMatch(p -> p.contains(expected)), "expected a problem with \"" + expected + "\", got " + found);
    }

    private static ObjectNode spec(Manifests m) {
        return (ObjectNode) m.get("StatefulSet", STS).node().path("spec");
    }

    private static ObjectNode podSpec(Manifests m) {
        return (ObjectNode) spec(m).path("template").path("spec");
    }

    private static ObjectNode container(Manifests m) {
        return (ObjectNode) podSpec(m).path("containers").get(0);
    }

    private static ObjectNode httpGet(Manifests m, String probe) {
        return (ObjectNode) container(m).path(probe).path("httpGet");
    }

    private static ObjectNode data(Manifests m) {
        return (ObjectNode) m.get("ConfigMap", "muster-config").node().path("data");
    }

    private static JsonNode env(Manifests m, String name) {
        for (JsonNode e : container(m).path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no env " + name);
    }
}
