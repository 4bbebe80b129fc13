package io.muster.server.http;

import static io.muster.server.http.HttpProbe.assertError;
import static io.muster.server.http.HttpProbe.assertInvalid;
import static io.muster.server.http.HttpProbe.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.server.http.HttpProbe.Reply;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cluster API, health and metrics with bad input. A membership change that slipped through would be costly
 * (a phantom member shifts the quorum), so after every refused call the membership and the leader are checked
 * along with the catalog. No test here sends a valid membership change or leadership transfer. Against the real HTTP
 * API in process ({@link InProcessApi}) reporting three members, whose fake cluster admin applies a membership change
 * or leadership transfer that got through, so the checks would see it.
 */
class ClusterApiBadInputTest {
    private static InProcessApi api;
    private static HttpProbe probe;
    private static Set<String> members;
    private static String leaderId;

    @BeforeAll
    static void start() {
        api = new InProcessApi(List.of("n1", "n2", "n3")).start();
        probe = new HttpProbe(api, "web");
        probe.awaitSettled(3);
        probe.register("web", "i1", HttpProbe.VALID);
        members = memberIds();
        leaderId = api.leaderId();
        assertEquals(Set.of("n1", "n2", "n3"), members);
        probe.snapshot();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static Set<String> memberIds() {
        Reply r = probe.get(probe.leader(), "/v1/cluster");
        assertEquals(200, r.status(), r::toString);
        Set<String> ids = new TreeSet<>();
        for (JsonNode m : r.json().path("members")) {
            ids.add(m.path("id").asText());
        }
        return ids;
    }

    private static void assertClusterUnchanged(int member) {
        probe.assertUnchanged(member);
        assertEquals(members, memberIds(), "membership changed");
        assertEquals(leaderId, api.leaderId(), "leadership moved");
    }

    static Stream<Arguments> badMembers() {
        return Stream.of(
                Arguments.of("unclosed", "{", null),
                Arguments.of("array", "[]", null),
                Arguments.of("null", "null", null),
                Arguments.of("string", "\"n4\"", null),
                Arguments.of("number", "4", null),
                Arguments.of("trailing garbage", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:1\"} {}", null),
                Arguments.of("deep nesting", "{\"id\":" + "[".repeat(500) + "]".repeat(500) + "}", null),
                Arguments.of("duplicate key", "{\"id\":\"n4\",\"id\":\"n5\",\"raftAddress\":\"127.0.0.1:1\"}", "id"),
                Arguments.of("empty object", "{}", "id"),
                Arguments.of("unknown field", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:1\",\"role\":\"leader\"}", "role"),
                Arguments.of("id missing", "{\"raftAddress\":\"127.0.0.1:1\"}", "id"),
                Arguments.of("id a number", "{\"id\":4,\"raftAddress\":\"127.0.0.1:1\"}", "id"),
                Arguments.of("id with slash", "{\"id\":\"n/4\",\"raftAddress\":\"127.0.0.1:1\"}", "id"),
                Arguments.of("id leading hyphen", "{\"id\":\"-n4\",\"raftAddress\":\"127.0.0.1:1\"}", "id"),
                Arguments.of("id of 129", "{\"id\":\"" + "n".repeat(129) + "\",\"raftAddress\":\"127.0.0.1:1\"}", "id"),
                Arguments.of("id empty", "{\"id\":\"\",\"raftAddress\":\"127.0.0.1:1\"}", "id"),
                Arguments.of("raftAddress missing", "{\"id\":\"n4\"}", "raftAddress"),
                Arguments.of("raftAddress without port", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1\"}", "raftAddress"),
                Arguments.of("raftAddress port 0", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:0\"}", "raftAddress"),
                Arguments.of("raftAddress port 65536", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:65536\"}", "raftAddress"),
                Arguments.of("raftAddress port 99999", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:99999\"}", "raftAddress"),
                Arguments.of("raftAddress signed port", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:+80\"}", "raftAddress"),
                Arguments.of("raftAddress a URL", "{\"id\":\"n4\",\"raftAddress\":\"http://127.0.0.1:1\"}", "raftAddress"),
                Arguments.of("raftAddress bad host", "{\"id\":\"n4\",\"raftAddress\":\"::::::1\"}", "raftAddress"),
                Arguments.of("raftAddress a number", "{\"id\":\"n4\",\"raftAddress\":8701}", "raftAddress"),
                Arguments.of("httpAddress bad", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:1\",\"httpAddress\":\"nowhere\"}", "httpAddress"),
                Arguments.of("httpAddress port 0", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:1\",\"httpAddress\":\"127.0.0.1:0\"}", "httpAddress"),
                Arguments.of("httpAddress a number", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:1\",\"httpAddress\":8700}", "httpAddress"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMembers")
    void badMemberIsRefused(String name, String body, String field) {
        int leader = probe.leader();
        Reply r = probe.json(leader, "POST", "/v1/cluster/members", body);
        if (field == null) {
            assertInvalid(r);
        } else {
            assertInvalid(r, field);
        }
        assertClusterUnchanged(leader);
    }

    @Test
    void memberBodyThatIsNotJsonOrTooLargeIsRefused() {
        int leader = probe.leader();
        String valid = "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:1\"}";
        assertError(probe.send(leader, "POST", "/v1/cluster/members", List.of("Content-Type: text/plain"), utf8(valid)),
                415, "unsupported_media_type");
        assertInvalid(probe.send(leader, "POST", "/v1/cluster/members", List.of("Content-Type: application/json"), new byte[0]));
        assertInvalid(probe.send(leader, "POST", "/v1/cluster/members", List.of(), null));
        byte[] big = utf8("{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:1\",\"httpAddress\":\"" + "h".repeat(70_000) + "\"}");
        assertError(probe.send(leader, "POST", "/v1/cluster/members", List.of("Content-Type: application/json"), big), 413, "too_large");
        assertClusterUnchanged(leader);
    }

    @Test
    void existingMemberIsAConflict() {
        int leader = probe.leader();
        Reply r = probe.json(leader, "POST", "/v1/cluster/members",
                "{\"id\":\"n1\",\"raftAddress\":\"" + api.raftAddress("n1") + "\"}");
        assertError(r, 409, "conflict", "id");
        assertClusterUnchanged(leader);
    }

    @Test
    void removingABadOrUnknownMemberIsRefused() {
        int leader = probe.leader();
        for (String id : List.of("-n1", "n%2F1", "n%201", "n%C3%A9", "x".repeat(129), "n1%00")) {
            assertInvalid(probe.send(leader, "DELETE", "/v1/cluster/members/" + id, List.of(), null), "id");
        }
        assertError(probe.send(leader, "DELETE", "/v1/cluster/members/n9", List.of(), null), 404, "not_found");
        assertError(probe.send(leader, "DELETE", "/v1/cluster/members/N1", List.of(), null), 404, "not_found");
        assertClusterUnchanged(leader);
    }

    static Stream<Arguments> badTransfers() {
        return Stream.of(
                Arguments.of("unclosed", "{", null),
                Arguments.of("array", "[\"n2\"]", null),
                Arguments.of("null", "null", null),
                Arguments.of("string", "\"n2\"", null),
                Arguments.of("trailing garbage", "{\"to\":\"n9\"}x", null),
                Arguments.of("duplicate key", "{\"to\":\"n9\",\"to\":\"n8\"}", "to"),
                Arguments.of("unknown field", "{\"to\":\"n9\",\"force\":true}", "force"),
                Arguments.of("to a number", "{\"to\":2}", "to"),
                Arguments.of("to an array", "{\"to\":[\"n2\"]}", "to"),
                Arguments.of("to an unknown member", "{\"to\":\"n9\"}", "to"),
                Arguments.of("to a bad id", "{\"to\":\"n/2\"}", "to"),
                Arguments.of("to empty", "{\"to\":\"\"}", "to"),
                Arguments.of("to of 60000", "{\"to\":\"" + "n".repeat(60_000) + "\"}", "to"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTransfers")
    void badTransferIsRefused(String name, String body, String field) {
        int leader = probe.leader();
        Reply r = probe.json(leader, "POST", "/v1/cluster/leader/transfer", body);
        if (field == null) {
            assertInvalid(r);
        } else {
            JsonNode error = assertInvalid(r, field);
            assertTrue(error.path("message").asText().length() < 500, "the message does not echo the whole input");
        }
        assertClusterUnchanged(leader);
    }

    @Test
    void transferBodyThatIsNotJsonOrTooLargeIsRefused() {
        int leader = probe.leader();
        assertError(probe.send(leader, "POST", "/v1/cluster/leader/transfer", List.of("Content-Type: text/plain"),
                utf8("{\"to\":\"n2\"}")), 415, "unsupported_media_type");
        byte[] big = utf8("{\"to\":\"" + "n".repeat(70_000) + "\"}");
        assertError(probe.send(leader, "POST", "/v1/cluster/leader/transfer", List.of("Content-Type: application/json",
                "Transfer-Encoding: chunked"), HttpProbe.chunked(big, 4096)), 413, "too_large");
        assertClusterUnchanged(leader);
    }

    @Test
    void healthAndMetricsIgnoreJunkAndRefuseWrongMethods() {
        int leader = probe.leader();
        assertEquals(200, probe.get(leader, "/health/live?x=%ZZ&y").status());
        assertEquals(200, probe.get(leader, "/health/ready?verbose=maybe").status());
        Reply metrics = probe.get(leader, "/metrics?name[]=x");
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("Content-Type").startsWith("text/plain"), metrics::toString);
        assertError(probe.json(leader, "POST", "/health/live", "{}"), 405, "method_not_allowed");
        assertError(probe.json(leader, "PUT", "/health/ready", "{}"), 405, "method_not_allowed");
        assertError(probe.json(leader, "POST", "/metrics", "{}"), 405, "method_not_allowed");
        assertError(probe.get(leader, "/health/"), 404, "not_found");
        assertError(probe.get(leader, "/health/livez"), 404, "not_found");
        Reply cluster = probe.get(leader, "/v1/cluster?consistency=bogus&x=%ZZ");
        assertEquals(200, cluster.status(), cluster::toString);
        assertClusterUnchanged(leader);
    }
}
