package io.muster.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Defect 9 of issue 15: with one follower cut off from the leader, a registration sent to it answered
 * {@code 503 no_leader} after the forward timed out, and the instance appeared in the catalog after the partition
 * healed, registered 25 s after its client was told the write had failed: the forward had sat in the network's
 * buffers and the leader ran it on arrival.
 *
 * <p>Every member's Raft port sits behind a {@link TcpProxy}; holding the leader's one stops everything sent to the
 * leader (not what the leader sends), without a reset, as a partition does, and delivers it on release. The write
 * must answer "outcome unknown" (503 {@code unavailable}: {@code no_leader} means not applied), and the held
 * forward, reaching the leader after its deadline, must be refused rather than applied.
 */
class ForwardedWriteDeadlineTest {
    private static final String BODY = "{\"address\":\"10.0.0.1\",\"port\":1}";

    @Test
    void aForwardThatTimedOutIsReportedUnknownAndNeverAppliedAfterTheHeal() {
        Map<String, String> flags = new HashMap<>();
        List<TcpProxy> proxies = new ArrayList<>();
        try (TestCluster cluster = new TestCluster(3, flags)) {
            StringBuilder peers = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                TcpProxy proxy = new TcpProxy(cluster.ports(i).raft());
                proxies.add(proxy);
                peers.append(i == 0 ? "" : ",").append(cluster.id(i)).append("@127.0.0.1:").append(proxy.url().substring(proxy.url().lastIndexOf(':') + 1));
            }
            flags.put("peers", peers.toString());
            cluster.start();
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            int follower = (leader + 1) % 3;
            TestCluster.await("a forwarded write through member " + follower, Duration.ofSeconds(20),
                    () -> cluster.put(follower, "/v1/services/z/instances/warm", BODY).statusCode() == 200);

            proxies.get(leader).hold();
            HttpResponse<String> lost = cluster.send("PUT", follower, "/v1/services/z/instances/zombie", BODY, Duration.ofSeconds(30));
            assertEquals(503, lost.statusCode(), lost.body());
            assertNotEquals("no_leader", TestCluster.json(lost).get("error").asText(), lost.body());
            assertTrue(TestCluster.json(lost).get("message").asText().contains("outcome unknown"), lost.body());
            proxies.get(leader).release();

            // The held forward now reaches the leader, after its deadline.
            TestCluster.await("the leader to refuse the late forward", Duration.ofSeconds(30), () ->
                    cluster.server(leader).meters().find("muster_forwarded_writes_refused_late").counter() != null
                            && cluster.server(leader).meters().find("muster_forwarded_writes_refused_late").counter().count() >= 1);
            HttpResponse<String> read = cluster.get(leader, "/v1/services/z?consistency=consistent");
            assertEquals(200, read.statusCode(), read.body());
            assertFalse(read.body().contains("\"zombie\""), read.body());
            // And the path works again once the network is back.
            TestCluster.await("writes through member " + follower + " after the heal", Duration.ofSeconds(30),
                    () -> cluster.put(follower, "/v1/services/z/instances/after", BODY).statusCode() == 200);
        } finally {
            proxies.forEach(TcpProxy::close);
        }
    }
}
