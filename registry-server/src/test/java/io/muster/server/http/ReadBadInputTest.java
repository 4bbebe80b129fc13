package io.muster.server.http;

import static io.muster.server.http.HttpProbe.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.server.http.HttpProbe.Reply;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code GET /v1/services} and {@code GET /v1/services/{service}} with bad names and bad query options: each is a
 * 400 naming the option, answered at once (a bad blocking query must not park), on leader and follower alike.
 * Against the real HTTP API in process ({@link InProcessApi}); the follower cases are in {@link FollowerBadInputTest}.
 */
class ReadBadInputTest {
    private static InProcessApi api;
    private static HttpProbe probe;

    @BeforeAll
    static void start() {
        api = new InProcessApi().start();
        probe = new HttpProbe(api, "web");
        probe.awaitSettled(1);
        probe.register("web", "i1", "{\"address\":\"10.0.0.1\",\"port\":8080,\"tags\":[\"primary\"]}");
        probe.snapshot();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static Stream<Arguments> badServiceQueries() {
        return Stream.of(
                Arguments.of("healthy=maybe", "healthy"),
                Arguments.of("healthy=TRUE", "healthy"),
                Arguments.of("healthy=yes", "healthy"),
                Arguments.of("healthy=true&healthy=false", "healthy"),
                Arguments.of("healthy=true&warning=2", "warning"),
                Arguments.of("warning=on", "warning"),
                Arguments.of("tag=Primary", "tag"),
                Arguments.of("tag=-x", "tag"),
                Arguments.of("tag=", "tag"),
                Arguments.of("tag=a_b", "tag"),
                Arguments.of("tag=primary&tag=B", "tag"),
                Arguments.of("tag=" + "a".repeat(64), "tag"),
                Arguments.of("tag=%C3%A9", "tag"),
                Arguments.of("tag=%E9", "tag"),
                Arguments.of("index=-1", "index"),
                Arguments.of("index=abc", "index"),
                Arguments.of("index=1.5", "index"),
                Arguments.of("index=", "index"),
                Arguments.of("index=%2B1", "index"),
                Arguments.of("index=99999999999999999999", "index"),
                Arguments.of("index=1&index=2", "index"),
                Arguments.of("index=0x10", "index"),
                Arguments.of("index=1&wait=10", "wait"),
                Arguments.of("index=1&wait=10m", "wait"),
                Arguments.of("index=1&wait=-1s", "wait"),
                Arguments.of("index=1&wait=1d", "wait"),
                Arguments.of("index=1&wait=", "wait"),
                Arguments.of("index=1&wait=abc", "wait"),
                Arguments.of("index=1&wait=1s&wait=2s", "wait"),
                Arguments.of("index=1&wait=99999999999999h", "wait"),
                Arguments.of("wait=1s", "wait"),
                Arguments.of("consistency=bogus", "consistency"),
                Arguments.of("consistency=STALE", "consistency"),
                Arguments.of("consistency=stale&consistency=default", "consistency"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badServiceQueries")
    void badQueryOnServiceIsRefusedByName(String query, String field) {
        int leader = probe.leader();
        assertInvalid(probe.get(leader, "/v1/services/web?" + query), field);
        probe.assertUnchanged(leader);
    }

    static Stream<Arguments> badListQueries() {
        return Stream.of(
                Arguments.of("index=-1", "index"),
                Arguments.of("index=abc", "index"),
                Arguments.of("index=1&index=1", "index"),
                Arguments.of("index=1&wait=10", "wait"),
                Arguments.of("index=1&wait=10m", "wait"),
                Arguments.of("wait=1s", "wait"),
                Arguments.of("consistency=bogus", "consistency"),
                Arguments.of("consistency=default&consistency=default", "consistency"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badListQueries")
    void badQueryOnListIsRefusedByName(String query, String field) {
        int leader = probe.leader();
        assertInvalid(probe.get(leader, "/v1/services?" + query), field);
        probe.assertUnchanged(leader);
    }

    static Stream<Arguments> badPercentEncoding() {
        return Stream.of(
                Arguments.of("tag=%ZZ"),
                Arguments.of("tag=%"),
                Arguments.of("tag=a%2"),
                Arguments.of("%=1"),
                Arguments.of("index=%FF%FE"),
                Arguments.of("consistency=%00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPercentEncoding")
    void badPercentEncodingInQueryIsRefused(String query) {
        int leader = probe.leader();
        assertInvalid(probe.get(leader, "/v1/services/web?" + query));
        assertInvalid(probe.get(leader, "/v1/services?" + query));
        probe.assertUnchanged(leader);
    }

    static Stream<Arguments> badServiceNames() {
        return Stream.of(
                Arguments.of("Web"),
                Arguments.of("a".repeat(64)),
                Arguments.of("-web"),
                Arguments.of("web-"),
                Arguments.of("we_b"),
                Arguments.of("a%2Fb"),
                Arguments.of("w%C3%A9b"),
                Arguments.of("w%FFb"),
                Arguments.of("%20"),
                Arguments.of("a".repeat(7000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badServiceNames")
    void badServiceNameIsRefused(String name) {
        int leader = probe.leader();
        assertInvalid(probe.get(leader, "/v1/services/" + name), "service");
        assertInvalid(probe.get(leader, "/v1/services/" + name + "?index=1&wait=5m"), "service");
    }

    @Test
    void badPercentEncodingInPathIsRefused() {
        int leader = probe.leader();
        assertInvalid(probe.get(leader, "/v1/services/web?tag=%ZZ"));
        for (String path : new String[] {"/v1/services/%ZZ", "/v1/services/web%", "/v1/services/we%2", "/v1/services/%C3%28"}) {
            Reply r = probe.get(leader, path);
            assertInvalid(r);
        }
        assertEquals(200, probe.get(leader, "/v1/services/web").status());
    }

    @Test
    void unknownQueryOptionsAndRepeatedTagsAreFine() {
        int leader = probe.leader();
        assertEquals(200, probe.get(leader, "/v1/services/web?foo=bar&tag=primary&tag=primary").status());
        assertEquals(200, probe.get(leader, "/v1/services/web?healthy=&warning=1").status());
        assertEquals(200, probe.get(leader, "/v1/services?foo").status());
    }

    @Test
    void manyQueryParametersAreHandled() {
        int leader = probe.leader();
        String query = "tag=primary&".repeat(600);
        Reply r = probe.get(leader, "/v1/services/web?" + query);
        assertEquals(200, r.status(), r::toString);
        // Past the decoder's cap the rest would be dropped unseen, index=abc with it: the whole query is refused.
        assertInvalid(probe.get(leader, "/v1/services/web?" + "x=1&".repeat(1500) + "index=abc"));
        assertInvalid(probe.get(leader, "/v1/services?" + "x=1&".repeat(1500) + "index=1"));
    }
}
