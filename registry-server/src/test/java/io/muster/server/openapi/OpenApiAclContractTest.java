package io.muster.server.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ACL routes' real answers, on a member with {@code --acl-default-policy deny}, match docs/openapi.json: each
 * success and each kind of refusal (401, 403, 400, 404) of bootstrap, whoami, policies and tokens, and the guard's
 * refusals on the other routes. Its sibling {@link OpenApiContractTest} covers the rest of the API on a member
 * without ACLs.
 */
class OpenApiAclContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCluster cluster;
    private static OpenApiDocument doc;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(1, Map.of("acl-default-policy", "deny")).start();
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

    private static JsonNode expect(String token, String method, String template, String path, String body, int status)
            throws Exception {
        HttpResponse<String> r = cluster.sendAs(token, method, 0, path, body);
        assertEquals(status, r.statusCode(), method + " " + path + " answered " + r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals(Set.of(), doc.check(method, template, r.statusCode(), answer), method + " " + path + ": " + r.body());
        return answer;
    }

    @Test
    void aclAnswersMatchTheSchemas() throws Exception {
        expect(null, "GET", "/v1/acl/whoami", "/v1/acl/whoami", null, 200);
        expect(null, "GET", "/v1/acl/policies", "/v1/acl/policies", null, 401);
        expect(null, "GET", "/v1/services", "/v1/services", null, 401);
        expect("nope-unknown-token", "GET", "/v1/acl/whoami", "/v1/acl/whoami", null, 401);

        String root = expect(null, "POST", "/v1/acl/bootstrap", "/v1/acl/bootstrap", null, 200).path("secret").asText();
        expect(null, "POST", "/v1/acl/bootstrap", "/v1/acl/bootstrap", null, 403);
        expect(root, "GET", "/v1/acl/whoami", "/v1/acl/whoami", null, 200);
        expect(root, "GET", "/v1/acl/policies", "/v1/acl/policies", null, 200);
        expect(root, "GET", "/v1/acl/policies/{name}", "/v1/acl/policies/management", null, 200);
        expect(root, "GET", "/v1/acl/policies/{name}", "/v1/acl/policies/nope", null, 404);

        expect(root, "PUT", "/v1/acl/policies/{name}", "/v1/acl/policies/web-deploy",
                "{\"description\":\"CI\",\"rules\":[{\"service\":\"web\",\"access\":\"write\"},"
                        + "{\"service\":\"web-\",\"prefix\":true,\"access\":\"read\"},{\"operator\":\"read\"}]}", 200);
        expect(root, "PUT", "/v1/acl/policies/{name}", "/v1/acl/policies/nodesc", "{\"rules\":[]}", 200);
        expect(root, "PUT", "/v1/acl/policies/{name}", "/v1/acl/policies/management", "{\"rules\":[]}", 400);
        expect(root, "PUT", "/v1/acl/policies/{name}", "/v1/acl/policies/x", "{\"rules\":[{\"service\":\"web\"}]}", 400);
        expect(root, "PUT", "/v1/acl/policies/{name}", "/v1/acl/policies/x",
                "{\"rules\":[{\"operator\":\"read\",\"acl\":\"read\"}]}", 400);

        JsonNode ci = expect(root, "POST", "/v1/acl/tokens", "/v1/acl/tokens",
                "{\"description\":\"CI for web\",\"policies\":[\"web-deploy\"]}", 200);
        JsonNode none = expect(root, "POST", "/v1/acl/tokens", "/v1/acl/tokens", "{\"policies\":[]}", 200);
        expect(root, "POST", "/v1/acl/tokens", "/v1/acl/tokens", "{\"policies\":[\"missing\"]}", 400);
        expect(root, "POST", "/v1/acl/tokens", "/v1/acl/tokens", "{\"policies\":[],\"extra\":1}", 400);
        expect(root, "GET", "/v1/acl/tokens", "/v1/acl/tokens", null, 200);
        String accessor = ci.path("accessor").asText();
        expect(root, "GET", "/v1/acl/tokens/{accessor}", "/v1/acl/tokens/" + accessor, null, 200);
        expect(root, "GET", "/v1/acl/tokens/{accessor}", "/v1/acl/tokens/NOT-A-UUID", null, 400);
        expect(root, "GET", "/v1/acl/tokens/{accessor}", "/v1/acl/tokens/00000000-0000-0000-0000-000000000000", null, 404);

        // The scoped token: its own rules decide, on ACL routes and on the others.
        String ciSecret = ci.path("secret").asText();
        expect(ciSecret, "GET", "/v1/acl/whoami", "/v1/acl/whoami", null, 200);
        expect(ciSecret, "GET", "/v1/acl/tokens", "/v1/acl/tokens", null, 403);
        expect(ciSecret, "GET", "/v1/cluster", "/v1/cluster", null, 200);
        expect(ciSecret, "POST", "/v1/cluster/leader/transfer", "/v1/cluster/leader/transfer", null, 403);
        expect(ciSecret, "GET", "/v1/services/{service}", "/v1/services/db", null, 403);
        expect(ciSecret, "GET", "/v1/services/{service}", "/v1/services/web", null, 200);
        expect(none.path("secret").asText(), "GET", "/v1/services", "/v1/services", null, 403);

        expect(root, "DELETE", "/v1/acl/tokens/{accessor}", "/v1/acl/tokens/" + accessor, null, 200);
        expect(root, "DELETE", "/v1/acl/tokens/{accessor}", "/v1/acl/tokens/" + accessor, null, 404);
        expect(root, "DELETE", "/v1/acl/tokens/{accessor}", "/v1/acl/tokens/bad", null, 400);
        expect(root, "DELETE", "/v1/acl/policies/{name}", "/v1/acl/policies/web-deploy", null, 200);
        expect(root, "DELETE", "/v1/acl/policies/{name}", "/v1/acl/policies/web-deploy", null, 404);
        expect(root, "DELETE", "/v1/acl/policies/{name}", "/v1/acl/policies/management", null, 400);
    }

    @Test
    void requestSchemasAcceptTheDocumentedExamplesAndRejectBadOnes() throws Exception {
        String policy = doc.requestSchema("PUT", "/v1/acl/policies/{name}").orElseThrow();
        assertEquals(Set.of(), doc.validate(policy, JSON.readTree("{\"rules\":[{\"service\":\"web\",\"access\":\"write\"},"
                + "{\"service\":\"\",\"prefix\":true,\"access\":\"read\"},{\"operator\":\"read\"}]}")));
        assertFalse(doc.validate(policy, JSON.readTree("{\"rules\":[{\"operator\":\"read\",\"acl\":\"read\"}]}")).isEmpty());
        String token = doc.requestSchema("POST", "/v1/acl/tokens").orElseThrow();
        assertEquals(Set.of(), doc.validate(token, JSON.readTree("{\"description\":\"CI for web\",\"policies\":[\"web-deploy\"]}")));
        assertFalse(doc.validate(token, JSON.readTree("{\"policies\":[\"a\",\"a\"]}")).isEmpty());
    }
}
