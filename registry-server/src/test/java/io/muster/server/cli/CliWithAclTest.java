package io.muster.server.cli;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.acl.Secrets;
import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/muster} against a real member on {@code --acl-default-policy deny}: {@code MUSTER_TOKEN} goes on every
 * verb; without a token, or with one lacking the right, a verb exits 1 (the contract's "refused") with the member's
 * 401 or 403 on stderr and changes nothing; the {@code acl} verbs manage policies and tokens with a management token,
 * their {@code --json} is the API's JSON, and bad rules are refused before anything is sent.
 */
class CliWithAclTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = Secrets.newSecret();
    private static TestCluster cluster;
    /** Reads every service; writes nothing. */
    private static String reader;
    /** Writes (so reads) the service {@code shop} only. */
    private static String shopWriter;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(1, Map.of("acl-default-policy", "deny", "acl-bootstrap-token", ROOT)).start();
        // The leader creates the bootstrap token once it leads: a moment after start() returns.
        TestCluster.await("the bootstrap token", Duration.ofSeconds(60), () -> as(ROOT, "GET", "/v1/acl/whoami", null).statusCode() == 200);
        ok(as(ROOT, "PUT", "/v1/acl/policies/all-read", "{\"rules\":[{\"service\":\"\",\"prefix\":true,\"access\":\"read\"}]}"));
        ok(as(ROOT, "PUT", "/v1/acl/policies/shop-write", "{\"rules\":[{\"service\":\"shop\",\"access\":\"write\"}]}"));
        reader = secret(as(ROOT, "POST", "/v1/acl/tokens", "{\"description\":\"reader\",\"policies\":[\"all-read\"]}"));
        shopWriter = secret(as(ROOT, "POST", "/v1/acl/tokens", "{\"description\":\"shop ci\",\"policies\":[\"shop-write\"]}"));
        ok(as(ROOT, "PUT", "/v1/services/shop/instances/shop-1", "{\"address\":\"10.0.0.1\",\"port\":8080,\"tags\":[\"primary\"]}"));
        ok(as(ROOT, "PUT", "/v1/services/docs/instances/docs-1", "{\"address\":\"10.0.0.6\",\"port\":80}"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> as(String token, String method, String path, String body) {
        return cluster.sendAs(token, method, 0, path, body);
    }

    private static HttpResponse<String> ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return r;
    }

    private static String secret(HttpResponse<String> created) {
        return json(ok(created)).path("secret").asText();
    }

    /** The CLI with this token in MUSTER_TOKEN, or none for null. */
    private static Cli cli(String token) {
        Cli c = new Cli("127.0.0.1:" + cluster.ports(0).http());
        return token == null ? c : c.env("MUSTER_TOKEN", token);
    }

    private static Cli.Run ok(Cli cli, String... args) {
        Cli.Run r = cli.run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + " -> " + r);
        return r;
    }

    private static JsonNode okJson(Cli cli, String... args) throws Exception {
        String[] withJson = Arrays.copyOf(args, args.length + 1);
        withJson[args.length] = "--json";
        return JSON.readTree(ok(cli, withJson).out());
    }

    /** Exit 1 with the member's refusal on stderr, nothing on stdout. */
    private static Cli.Run refused(String expected, Cli cli, String... args) {
        Cli.Run r = cli.run(args);
        assertEquals(1, r.exit(), String.join(" ", args) + " -> " + r);
        assertTrue(r.err().contains(expected), String.join(" ", args) + " -> " + r);
        assertEquals("", r.out(), r.toString());
        return r;
    }

    /** Bad usage: exit 2, the reason on stderr, nothing sent. */
    private static Cli.Run usage(String expected, Cli cli, String... args) {
        Cli.Run r = cli.run(args);
        assertEquals(2, r.exit(), String.join(" ", args) + " -> " + r);
        assertTrue(r.err().contains(expected), String.join(" ", args) + " -> " + r);
        return r;
    }

    private static JsonNode instances(String service) {
        return json(ok(as(ROOT, "GET", "/v1/services/" + service, null))).path("instances");
    }

    private static List<String> ids(JsonNode instances) {
        List<String> ids = new ArrayList<>();
        instances.forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    /** Every policy and token the member holds, as the management token lists them. */
    private static String aclState() {
        return ok(as(ROOT, "GET", "/v1/acl/policies", null)).body() + ok(as(ROOT, "GET", "/v1/acl/tokens", null)).body();
    }

    @Test
    void withoutATokenAVerbIsRefusedWithExitOne() {
        Cli.Run none = refused("HTTP 401 unauthenticated", cli(null), "services");
        assertTrue(none.err().contains("needs a token") && none.err().contains("no token was sent (set MUSTER_TOKEN)"), none.err());
        refused("HTTP 401 unauthenticated", cli(null), "service", "shop");
        refused("HTTP 401 unauthenticated", cli(null), "register", "shop", "shop-9", "--address", "10.0.0.9", "--port", "80");
        Cli.Run unknown = refused("HTTP 401 unauthenticated", cli(Secrets.newSecret()), "services");
        assertTrue(unknown.err().contains("not found") && !unknown.err().contains("no token was sent"), unknown.err());
        assertFalse(ids(instances("shop")).contains("shop-9"), "a refused write changes nothing");
    }

    @Test
    void aReadTokenListsAndShowsButMayNotWrite() throws Exception {
        Cli c = cli(reader);
        Cli.Run services = ok(c, "services");
        assertTrue(services.out().lines().anyMatch(l -> l.matches("shop\\s+\\d+\\s+.*")), services.out());
        JsonNode all = okJson(c, "services");
        assertTrue(all.has("shop") && all.has("docs"), all.toString());
        JsonNode shop = okJson(c, "service", "shop");
        assertTrue(ids(shop.path("instances")).contains("shop-1"), shop.toString());
        assertTrue(ok(c, "service", "shop").out().contains("shop-1"));

        refused("HTTP 403 permission_denied", c, "register", "shop", "shop-9", "--address", "10.0.0.9", "--port", "80");
        refused("HTTP 403 permission_denied", c, "heartbeat", "shop", "shop-1");
        refused("HTTP 403 permission_denied", c, "deregister", "shop", "shop-1");
        refused("HTTP 403 permission_denied", c, "acl", "policy", "list");
        refused("HTTP 403 permission_denied", c, "members");
        List<String> now = ids(instances("shop"));
        assertTrue(now.contains("shop-1") && !now.contains("shop-9"), "refused writes change nothing: " + now);
    }

    @Test
    void aWriteTokenRegistersHeartbeatsAndDeregisters() throws Exception {
        Cli c = cli(shopWriter);
        Cli.Run reg = ok(c, "register", "shop", "shop-2", "--address", "10.0.0.2", "--port", "8080", "--ttl", "1m");
        assertTrue(reg.out().startsWith("registered shop/shop-2 at index "), reg.out());
        assertTrue(ids(instances("shop")).contains("shop-2"));
        assertTrue(ids(okJson(c, "service", "shop").path("instances")).contains("shop-2"), "write implies read");

        assertEquals("renewed shop/shop-2", ok(c, "heartbeat", "shop", "shop-2", "--status", "warning", "--note", "disk 91%").out().strip());
        TestCluster.await("shop-2 warning", Duration.ofSeconds(30), () -> {
            for (JsonNode i : instances("shop")) {
                if (i.path("id").asText().equals("shop-2")) {
                    return i.path("status").asText().equals("warning") && i.path("note").asText().equals("disk 91%");
                }
            }
            return false;
        });

        refused("HTTP 403 permission_denied", c, "register", "cart", "cart-1", "--address", "10.0.0.3", "--port", "80");
        assertEquals(0, instances("cart").size(), "a refused write changes nothing");
        JsonNode visible = okJson(c, "services");
        assertTrue(visible.has("shop") && !visible.has("docs"), "only the services the token may read: " + visible);

        JsonNode gone = okJson(c, "deregister", "shop", "shop-2");
        assertTrue(gone.path("index").asLong() > 0, gone.toString());
        assertFalse(ids(instances("shop")).contains("shop-2"));
    }

    @Test
    void aclVerbsManagePoliciesAndTokensWithTheManagementToken() throws Exception {
        Cli root = cli(ROOT);
        assertTrue(okJson(root, "acl", "whoami").path("policies").toString().contains("management"));

        JsonNode created = okJson(root, "acl", "policy", "create", "ci-deploy",
                "--rule", "service:ci:write", "--rule", "service-prefix:ci-:read", "--rule", "operator:read");
        assertEquals("ci-deploy", created.path("name").asText(), created.toString());
        assertEquals(3, created.path("rules").size(), created.toString());
        Path rules = cluster.root().resolve("docs-read.json");
        Files.writeString(rules, "[{\"service\": \"docs\", \"access\": \"read\"}]");
        assertEquals("policy docs-read saved", ok(root, "acl", "policy", "create", "docs-read", "--rules-file", rules.toString()).out().strip());

        JsonNode policies = okJson(root, "acl", "policy", "list");
        assertEquals(List.of("management", "all-read", "shop-write", "ci-deploy", "docs-read").stream().sorted().toList(),
                names(policies, "name").stream().sorted().toList(), policies.toString());
        assertTrue(ok(root, "acl", "policy", "list").out().lines().anyMatch(l -> l.matches("ci-deploy\\s+3")));
        JsonNode read = okJson(root, "acl", "policy", "read", "ci-deploy");
        assertEquals("ci", read.path("rules").path(0).path("service").asText(), read.toString());
        assertEquals("docs", okJson(root, "acl", "policy", "read", "docs-read").path("rules").path(0).path("service").asText());

        JsonNode token = okJson(root, "acl", "token", "create", "--policy", "ci-deploy", "--description", "CI");
        String accessor = token.path("accessor").asText();
        String secret = token.path("secret").asText();
        assertTrue(Secrets.isWellFormed(secret), token.toString());
        assertEquals("[\"ci-deploy\"]", token.path("policies").toString());
        Cli ci = cli(secret);
        JsonNode me = okJson(ci, "acl", "whoami");
        assertEquals(accessor, me.path("accessor").asText(), me.toString());
        ok(ci, "register", "ci", "ci-1", "--address", "10.0.0.4", "--port", "80");
        ok(ci, "members");
        refused("HTTP 403 permission_denied", ci, "register", "docs", "docs-9", "--address", "10.0.0.5", "--port", "80");
        assertFalse(ids(instances("docs")).contains("docs-9"));

        JsonNode tokens = okJson(root, "acl", "token", "list");
        assertTrue(names(tokens, "accessor").contains(accessor), tokens.toString());
        tokens.forEach(t -> assertFalse(t.has("secret"), "a listing never shows a secret: " + t));
        assertFalse(ok(root, "acl", "token", "list").out().contains(secret));
        JsonNode one = okJson(root, "acl", "token", "read", accessor);
        assertEquals("CI", one.path("description").asText(), one.toString());
        assertFalse(one.has("secret"), one.toString());
        Cli.Run human = ok(root, "acl", "token", "create", "--policy", "docs-read");
        assertTrue(human.out().contains("(shown only now)"), human.out());

        assertTrue(okJson(root, "acl", "token", "delete", accessor).path("index").asLong() > 0);
        refused("HTTP 401 unauthenticated", ci, "acl", "whoami");
        refused("HTTP 404 not_found", root, "acl", "token", "read", accessor);
        assertEquals("policy ci-deploy deleted", ok(root, "acl", "policy", "delete", "ci-deploy").out().strip());
        assertTrue(okJson(root, "acl", "policy", "delete", "docs-read").path("index").asLong() > 0);
        assertFalse(names(okJson(root, "acl", "policy", "list"), "name").contains("ci-deploy"));
        refused("HTTP 404 not_found", root, "acl", "policy", "delete", "ci-deploy");
        ok(root, "deregister", "ci", "ci-1");
    }

    @Test
    void badRulesAndBadTokensAreRefusedAndChangeNothing() throws Exception {
        Cli root = cli(ROOT);
        String before = aclState();

        Path broken = cluster.root().resolve("broken.json");
        Files.writeString(broken, "[{\"service\": \"web\", \"access\": \"read\"");
        Cli.Run r = usage("cannot read " + broken, root, "acl", "policy", "create", "broken", "--rules-file", broken.toString());
        assertFalse(r.err().contains("Exception"), "a message, not a stack trace: " + r.err());
        Path trailing = cluster.root().resolve("trailing.json");
        Files.writeString(trailing, "[{\"service\": \"web\", \"access\": \"read\"}] [{\"acl\": \"write\"}]");
        usage("cannot read " + trailing, root, "acl", "policy", "create", "trailing", "--rules-file", trailing.toString());
        Path object = cluster.root().resolve("object.json");
        Files.writeString(object, "{\"service\": \"web\", \"access\": \"read\"}");
        usage("must hold a JSON array", root, "acl", "policy", "create", "object", "--rules-file", object.toString());
        Path empty = cluster.root().resolve("empty.json");
        Files.writeString(empty, "");
        usage("must hold a JSON array", root, "acl", "policy", "create", "empty", "--rules-file", empty.toString());
        usage("cannot read", root, "acl", "policy", "create", "absent", "--rules-file", cluster.root().resolve("absent.json").toString());
        usage("bad access", root, "acl", "policy", "create", "root", "--rule", "acl:root");
        usage("bad rule", root, "acl", "policy", "create", "odd", "--rule", "service:web");
        usage("give --rule (repeatable) or --rules-file", root, "acl", "policy", "create", "both", "--rule", "acl:read",
                "--rules-file", object.toString());
        usage("bad policy name", root, "acl", "policy", "create", "../tokens", "--rule", "acl:read");

        Path badAccess = cluster.root().resolve("bad-access.json");
        Files.writeString(badAccess, "[{\"service\": \"web\", \"access\": \"read\"}, {\"acl\": \"admin\"}]");
        Cli.Run server = refused("HTTP 400 invalid_argument", root, "acl", "policy", "create", "bad-access", "--rules-file", badAccess.toString());
        assertTrue(server.err().contains("rules[1]"), "the member names the rule at fault: " + server.err());
        refused("HTTP 400 invalid_argument", root, "acl", "policy", "create", "management", "--rule", "acl:read");
        Cli.Run noPolicy = refused("HTTP 400 invalid_argument", root, "acl", "token", "create", "--policy", "no-such-policy");
        assertTrue(noPolicy.err().contains("no-such-policy"), noPolicy.err());
        refused("HTTP 403 permission_denied", cli(reader), "acl", "policy", "create", "mine", "--rule", "acl:write");
        refused("HTTP 403 permission_denied", cli(reader), "acl", "token", "create", "--policy", "all-read");

        assertEquals(before, aclState(), "refused acl verbs change nothing");
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.path(field).asText()));
        return names;
    }
}
