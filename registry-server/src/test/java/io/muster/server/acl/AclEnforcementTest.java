package io.muster.server.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.client.MusterClient;
import io.muster.client.MusterException;
import io.muster.client.Registration;
import io.muster.client.RegistrationHandle;
import io.muster.client.ServiceView;
import io.muster.server.http.HttpApi;
import io.muster.server.testing.TestCluster;
import io.muster.store.catalog.SnapshotFormat;
import io.vertx.ext.web.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real three-member cluster on {@code --acl-default-policy deny} with a bootstrap token: every forbidden action is
 * refused with the contract's error and changes nothing; a token with read on {@code web} sees {@code web} and
 * nothing else; every registered route declares a need.
 */
class AclEnforcementTest {
    private static final String ROOT = Secrets.newSecret();
    private static TestCluster cluster;
    private static AclCalls calls;
    private static String readerAccessor;
    private static String reader;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(3, Map.of("acl-default-policy", "deny", "acl-bootstrap-token", ROOT)).start();
        calls = new AclCalls(cluster);
        calls.awaitKnownEverywhere(ROOT, 3);
        assertEquals(200, calls.send(0, "PUT", "/v1/acl/policies/web-read",
                "{\"description\":\"reads web\",\"rules\":[{\"service\":\"web\",\"access\":\"read\"}]}", ROOT).status());
        String[] t = calls.createToken(1, ROOT, "web-read");
        readerAccessor = t[0];
        reader = t[1];
        for (String[] i : new String[][] {{"web", "w1"}, {"web", "w2"}, {"db", "d1"}}) {
            assertEquals(200, calls.send(2, "PUT", "/v1/services/" + i[0] + "/instances/" + i[1],
                    "{\"address\":\"10.0.0.1\",\"port\":80}", ROOT).status());
        }
        calls.awaitKnownEverywhere(reader, 3);
        // Members publish their addresses once at start; the byte-for-byte comparison must not see that happen.
        TestCluster.await("every member published", Duration.ofSeconds(60), () -> {
            int leader = cluster.awaitLeader(Duration.ofSeconds(10));
            return cluster.server(leader).node().catalog().members().size() == 3;
        });
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** The whole replicated state as the leader serializes it, less the applied index (any Raft entry moves it). */
    private static JsonNode state() {
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        AclCalls.Answer a = calls.get(leader, "/v1/snapshot", ROOT);
        assertEquals(200, a.status(), a::toString);
        ObjectNode json = (ObjectNode) new ObjectMapper().valueToTree(SnapshotFormat.read(a.body()));
        json.remove("appliedIndex");
        return json;
    }

    private record Action(String method, String path, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static Action a(String method, String path, String body) {
        return new Action(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Every write, operator and acl call, and reads of a service the reader may not read. */
    private static List<Action> forbidden(byte[] backup) {
        String reg = "{\"address\":\"6.6.6.6\",\"port\":666}";
        return List.of(
                a("PUT", "/v1/services/web/instances/evil", reg),
                a("PUT", "/v1/services/db/instances/evil", reg),
                a("DELETE", "/v1/services/web/instances/w1", null),
                a("PUT", "/v1/services/web/instances/w1/heartbeat", null),
                a("GET", "/v1/services/db", null),
                a("GET", "/v1/services/db?index=1&wait=5m", null),
                a("GET", "/v1/cluster", null),
                a("POST", "/v1/cluster/members", "{\"id\":\"evil\",\"raftAddress\":\"127.0.0.1:1\"}"),
                a("DELETE", "/v1/cluster/members/n3", null),
                a("POST", "/v1/cluster/leader/transfer", "{}"),
                a("GET", "/v1/snapshot", null),
                new Action("PUT", "/v1/snapshot", backup),
                a("GET", "/v1/operator/self-preservation", null),
                a("PUT", "/v1/operator/self-preservation", "{\"enabled\":false}"),
                a("GET", "/metrics", null),
                a("GET", "/v1/acl/policies", null),
                a("GET", "/v1/acl/policies/web-read", null),
                a("PUT", "/v1/acl/policies/evil", "{\"rules\":[{\"acl\":\"write\"}]}"),
                a("PUT", "/v1/acl/policies/web-read", "{\"rules\":[{\"service\":\"\",\"prefix\":true,\"access\":\"write\"}]}"),
                a("DELETE", "/v1/acl/policies/web-read", null),
                a("GET", "/v1/acl/tokens", null),
                a("POST", "/v1/acl/tokens", "{\"policies\":[\"management\"]}"),
                a("GET", "/v1/acl/tokens/" + readerAccessor, null),
                a("DELETE", "/v1/acl/tokens/" + readerAccessor, null));
    }

    @Test
    void everyForbiddenActionIsRefusedAndChangesNothing() {
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        byte[] backup = calls.get(leader, "/v1/snapshot", ROOT).body();
        JsonNode before = state();
        String unknown = Secrets.newSecret();
        // who, the secret sent, the status every action must get
        List<Object[]> callers = List.of(
                new Object[] {"no token", null, 401, "unauthenticated"},
                new Object[] {"an unknown token", unknown, 401, "unauthenticated"},
                new Object[] {"a read-only token", reader, 403, "permission_denied"});
        int n = 0;
        for (Object[] caller : callers) {
            for (Action action : forbidden(backup)) {
                int member = n++ % 3;
                AclCalls.Answer r = calls.send(member, action.method(), action.path(), action.body(), (String) caller[1]);
                String what = caller[0] + ": " + action + " on member " + member + " -> " + r;
                assertEquals((int) caller[2], r.status(), what);
                assertTrue(r.contentType().startsWith("application/json"), what);
                assertEquals(caller[3], r.json().get("error").asText(), what);
                assertFalse(r.json().get("message").asText().isEmpty(), what);
                assertFalse(r.text().contains(ROOT) || r.text().contains(reader), "no answer echoes a secret: " + what);
            }
        }
        AclCalls.Answer malformed = calls.send(0, "PUT", "/v1/services/web/instances/evil",
                "{\"address\":\"6.6.6.6\",\"port\":666}", "not a token");
        assertEquals(401, malformed.status(), malformed::toString);

        assertEquals(before, state(), "the catalog and ACL state are exactly as before");
        assertEquals(leader, cluster.awaitLeader(Duration.ofSeconds(10)), "leadership was not transferred");
        assertEquals(3, cluster.server(leader).node().currentPeers().size());
        String metrics = calls.get(leader, "/metrics", ROOT).text();
        assertTrue(metrics.contains("muster_acl_refusals_total{reason=\"permission_denied\"}"), "refusals are counted");
    }

    @Test
    void aTokenWithReadOnWebSeesWebAndNothingElse() throws Exception {
        int m = cluster.anyFollower();
        JsonNode list = calls.get(m, "/v1/services", reader).json();
        assertEquals(List.of("web"), names(list));
        assertTrue(names(calls.get(m, "/v1/services", ROOT).json()).containsAll(List.of("db", "web")));
        JsonNode web = calls.get(m, "/v1/services/web", reader).json();
        assertEquals("web", web.get("service").asText());
        assertEquals(403, calls.get(m, "/v1/snapshot", reader).status());
        assertEquals(403, calls.get(m, "/v1/services/db?consistency=stale", reader).status());
        assertEquals(401, calls.get(m, "/v1/services", null).status(), "anonymous may read nothing under deny");

        // A blocking query on web wakes with web's change; one on the list wakes with db's but still shows only web.
        long webIndex = web.get("index").asLong();
        CompletableFuture<AclCalls.Answer> onWeb = CompletableFuture.supplyAsync(() ->
                calls.get(m, "/v1/services/web?index=" + webIndex + "&wait=30s", reader));
        assertEquals(200, calls.send(0, "PUT", "/v1/services/web/instances/w3", "{\"address\":\"10.0.0.3\",\"port\":80}", ROOT).status());
        AclCalls.Answer woke = onWeb.get(30, TimeUnit.SECONDS);
        assertEquals(200, woke.status(), woke::toString);
        assertTrue(woke.json().get("index").asLong() > webIndex);

        long listIndex = calls.get(m, "/v1/services", reader).index();
        assertTrue(listIndex > 0);
        CompletableFuture<AclCalls.Answer> onList = CompletableFuture.supplyAsync(() ->
                calls.get(m, "/v1/services?index=" + listIndex + "&wait=30s", reader));
        assertEquals(200, calls.send(1, "PUT", "/v1/services/db/instances/d9", "{\"address\":\"10.0.0.9\",\"port\":80}", ROOT).status());
        AclCalls.Answer listWoke = onList.get(30, TimeUnit.SECONDS);
        assertTrue(listWoke.index() > listIndex, listWoke::toString);
        assertEquals(List.of("web"), names(listWoke.json()), listWoke::toString);
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void dnsAnswersAsAnonymousWhichUnderDenyIsWhatTheAnonymousPolicyAllows() throws Exception {
        int m = cluster.anyFollower();
        assertEquals(Lookup.HOST_NOT_FOUND, lookup(m, "web.service.muster."), "under deny DNS serves nothing by default");
        try {
            assertEquals(200, calls.send(0, "PUT", "/v1/acl/policies/anonymous",
                    "{\"rules\":[{\"service\":\"web\",\"access\":\"read\"}]}", ROOT).status());
            TestCluster.await("DNS serves web", Duration.ofSeconds(30), () -> lookup(m, "web.service.muster.") == Lookup.SUCCESSFUL);
            assertEquals(Lookup.HOST_NOT_FOUND, lookup(m, "db.service.muster."), "what anonymous may not read does not exist");
            assertEquals(200, calls.get(m, "/v1/services/web?consistency=stale", null).status(), "HTTP reads as anonymous too");
            assertEquals(401, calls.send(m, "PUT", "/v1/services/web/instances/x", "{\"address\":\"1.1.1.1\",\"port\":1}", null).status());
        } finally {
            assertEquals(200, calls.send(0, "DELETE", "/v1/acl/policies/anonymous", (byte[]) null, ROOT).status());
            // Other tests expect anonymous to read nothing, on every member.
            for (int i = 0; i < 3; i++) {
                int member = i;
                TestCluster.await("the anonymous policy is gone on member " + member, Duration.ofSeconds(60),
                        () -> calls.get(member, "/v1/services/web?consistency=stale", null).status() == 401);
            }
        }
    }

    private static int lookup(int member, String name) {
        try {
            SimpleResolver resolver = new SimpleResolver("127.0.0.1");
            resolver.setPort(cluster.ports(member).dns());
            resolver.setTimeout(Duration.ofSeconds(5));
            Lookup lookup = new Lookup(name, Type.A);
            lookup.setResolver(resolver);
            lookup.setCache(null);
            lookup.run();
            return lookup.getResult();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyRegisteredRouteDeclaresANeedAndRefusesAnonymousUnderDeny() {
        var router = cluster.server(0).router();
        Map<String, Need> declared = HttpApi.declaredRoutes(router);
        TreeSet<String> walked = new TreeSet<>();
        for (Route r : router.getRoutes()) {
            if (r.getPath() == null) {
                continue;
            }
            Object need = r.getMetadata("muster.acl.need");
            assertNotNull(need, "route " + r.methods() + " " + r.getPath() + " declares no need");
            for (var method : r.methods()) {
                String path = r.getPath().replace(":service", "web").replace(":accessor", readerAccessor).replaceAll(":[a-z]+", "x1");
                AclCalls.Answer a = calls.send(0, method.name(), path, method.name().equals("GET") ? null : "{}", null);
                if (need == Need.NOTHING || need == Need.IDENTIFIED) {
                    // Health, bootstrap, and whoami (which answers "anonymous") need no token.
                    assertTrue(a.status() != 401, method + " " + path + " needs no token: " + a);
                } else {
                    assertEquals(401, a.status(), method + " " + path + " -> " + a);
                    assertEquals("unauthenticated", a.json().get("error").asText());
                }
                walked.add(method.name() + " " + r.getPath());
            }
        }
        assertEquals(declared.keySet(), walked, "every declared route was walked");
        assertTrue(walked.contains("GET /health/ready") && walked.contains("PUT /v1/snapshot") && walked.size() >= 26, walked.toString());
        assertEquals(200, calls.get(0, "/health/live", "junk token").status(), "health ignores tokens");
    }

    @Test
    void theJavaClientSendsItsTokenOnEveryRequest() throws Exception {
        String[] writer = calls.createToken(0, ROOT, "web-read", "web-write-" + ensureWritePolicy());
        calls.awaitKnownEverywhere(writer[1], 3);
        try (MusterClient client = MusterClient.builder().members(cluster.url(0), cluster.url(1), cluster.url(2))
                .token(writer[1]).build();
             MusterClient readOnly = MusterClient.builder().members(cluster.url(1)).token(reader)
                     .retryPolicy(io.muster.client.RetryPolicy.exponentialBackoff(Duration.ofMillis(10), Duration.ofMillis(50), 2)).build()) {
            RegistrationHandle handle = client.register(Registration.builder("web", "from-client").address("10.0.0.7").port(8080).build());
            try (ServiceView view = readOnly.serviceView("web")) {
                TestCluster.await("the read-only client sees the registration", Duration.ofSeconds(30),
                        () -> view.endpoints().stream().anyMatch(e -> e.port() == 8080 && "10.0.0.7".equals(e.address())));
            }
            MusterException refused = org.junit.jupiter.api.Assertions.assertThrows(MusterException.class, () ->
                    readOnly.register(Registration.builder("web", "not-allowed").address("10.0.0.8").port(8080).build()));
            assertEquals(403, refused.status(), refused::toString);
            assertEquals("permission_denied", refused.code().orElse(""));
            handle.close();
        }
    }

    private static String ensureWritePolicy() {
        assertEquals(200, calls.send(0, "PUT", "/v1/acl/policies/web-write-rw",
                "{\"rules\":[{\"service\":\"web\",\"access\":\"write\"}]}", ROOT).status());
        return "rw";
    }

    @Test
    void whoamiAndTokenReadsNeverShowASecretAndBootstrapIsOneShot() {
        JsonNode me = calls.get(1, "/v1/acl/whoami", reader).json();
        assertEquals(readerAccessor, me.get("accessor").asText());
        assertEquals(List.of("web-read"), List.of(me.get("policies").get(0).asText()));
        AclCalls.Answer tokens = calls.get(1, "/v1/acl/tokens", ROOT);
        assertEquals(200, tokens.status());
        assertFalse(tokens.text().contains(reader) || tokens.text().contains(ROOT) || tokens.text().contains(Secrets.sha256(reader)),
                "lists show neither secrets nor their hashes");
        AclCalls.Answer one = calls.get(2, "/v1/acl/tokens/" + readerAccessor, ROOT);
        assertEquals(readerAccessor, one.json().get("accessor").asText());
        assertFalse(one.json().has("secret"));
        AclCalls.Answer again = calls.send(0, "POST", "/v1/acl/bootstrap", (byte[]) null, null);
        assertEquals(403, again.status(), again::toString);
        assertEquals("permission_denied", again.json().get("error").asText());
    }
}
