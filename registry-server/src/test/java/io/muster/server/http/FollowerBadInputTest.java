package io.muster.server.http;

import static io.muster.server.http.HttpProbe.VALID;
import static io.muster.server.http.HttpProbe.assertError;
import static io.muster.server.http.HttpProbe.assertInvalid;
import static io.muster.server.http.HttpProbe.utf8;

import io.muster.server.http.HttpProbe.Reply;
import io.muster.server.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input cases that need a real follower, so a real three-member cluster; every other bad-input case runs
 * against {@link InProcessApi} ({@link RegistrationBadInputTest}, {@link ReadBadInputTest},
 * {@link HeartbeatBadInputTest}, {@link RoutingBadInputTest}, {@link ClusterApiBadInputTest}). On a follower a write
 * or heartbeat is forwarded to the leader over Raft ({@code MemberChannel}), and a read waits for the leader's commit
 * index: what is asserted here is that bad input is refused on the follower before any of that (same error, same
 * field, catalog unchanged), and that a well-formed write or heartbeat for an unknown instance, which is forwarded,
 * comes back from the leader as the contract's 404. The in-process API has no follower and never forwards.
 */
class FollowerBadInputTest {
    private static final String TARGET = "/v1/services/web/instances/i1";
    private static final String HEARTBEAT = "/v1/services/web/instances/hb1/heartbeat";
    private static TestCluster cluster;
    private static HttpProbe probe;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(3).start();
        probe = new HttpProbe(cluster, "web");
        probe.awaitSettled(3);
        probe.register("web", "i1", "{\"address\":\"10.0.0.1\",\"port\":8080,\"tags\":[\"primary\"],"
                + "\"metadata\":{\"version\":\"1\"},\"check\":{\"ttl\":\"1h\"}}");
        probe.register("web", "hb1", "{\"address\":\"10.0.0.1\",\"port\":8080,\"check\":{\"ttl\":\"1h\"}}");
        probe.snapshot();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** From RegistrationBadInputTest. */
    @Test
    void badInputSentToAFollowerIsRefusedThere() {
        int follower = cluster.anyFollower();
        assertInvalid(probe.json(follower, "PUT", TARGET, "{\"address\":\"10.0.0.1\",\"port\":\"8080\"}"), "port");
        assertInvalid(probe.json(follower, "PUT", TARGET, "{"));
        assertInvalid(probe.json(follower, "PUT", "/v1/services/Web/instances/i1", VALID), "service");
        assertError(probe.send(follower, "PUT", TARGET, List.of("Content-Type: text/plain"), utf8(VALID)),
                415, "unsupported_media_type");
        probe.assertUnchanged(follower);
    }

    /** From ReadBadInputTest: the same bad queries, on a follower. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.muster.server.http.ReadBadInputTest#badServiceQueries")
    void badQueryOnAFollowerIsRefusedThere(String query, String field) {
        int follower = cluster.anyFollower();
        assertInvalid(probe.get(follower, "/v1/services/web?" + query), field);
    }

    /** From HeartbeatBadInputTest: the same bad bodies, on a follower. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.muster.server.http.HeartbeatBadInputTest#badBodies")
    void badHeartbeatBodyIsRefusedByAFollower(String name, String body, String field) {
        int follower = cluster.anyFollower();
        Reply r = probe.json(follower, "PUT", HEARTBEAT, body);
        if (field == null) {
            assertInvalid(r);
        } else {
            assertInvalid(r, field);
        }
    }

    /** From HeartbeatBadInputTest: a heartbeat for an unknown instance, forwarded to the leader. */
    @Test
    void heartbeatForAnUnknownInstanceIsNotFoundOnAFollower() {
        int follower = cluster.anyFollower();
        assertError(probe.send(follower, "PUT", "/v1/services/web/instances/nobody/heartbeat", List.of(), null), 404, "not_found");
        probe.assertUnchanged(follower);
    }

    /** From HeartbeatBadInputTest: a deregistration of an unknown instance, forwarded to the leader. */
    @Test
    void deregisterOfAnUnknownInstanceIsNotFoundOnAFollower() {
        int follower = cluster.anyFollower();
        assertError(probe.send(follower, "DELETE", "/v1/services/web/instances/nobody", List.of(), null), 404, "not_found");
        probe.assertUnchanged(follower);
    }
}
