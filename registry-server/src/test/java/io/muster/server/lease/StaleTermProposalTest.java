package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.model.Instance;
import io.muster.store.model.Status;
import io.muster.store.raft.Committed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, defect 2, on a real three-member cluster: an expiry decided in an earlier term and sent through the
 * path that forwards to whoever leads now (a follower's RaftNode.submit, which is how a deposed leader's proposal
 * reached its successor) is appended in the current term and refused at apply on every member, changing nothing.
 */
class StaleTermProposalTest {
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void expiryFromAnEarlierTermIsRefusedAtApplyOnEveryMember() throws Exception {
        cluster = new TestCluster(3).start();
        assertEquals(200, cluster.put(0, "/v1/services/pay/instances/p1",
                "{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"ttl\":\"1h\"}}").statusCode());
        // A leader of some term decides; then leadership moves on, so that term is over for good.
        int first = cluster.awaitLeader(Duration.ofSeconds(30));
        long staleTerm = cluster.server(first).node().leaderTerm();
        assertTrue(staleTerm > 0, "the leader knows its term");
        cluster.server(first).node().transferLeadership(cluster.id((first + 1) % 3), Duration.ofSeconds(20));
        TestCluster.await("a leader in a later term", Duration.ofSeconds(30), () -> cluster.leader()
                .map(l -> cluster.server(l).node().leaderTerm() > staleTerm).orElse(false));
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        Instance before = cluster.server(leader).node().catalog().instance("pay", "p1").orElseThrow();
        int follower = (leader + 1) % 3;

        Command stale = new Command.SetStatus("pay", "p1", before.registeredAt(), Status.CRITICAL, "TTL expired (stale)", staleTerm);
        Committed refused = cluster.server(follower).node().submit(List.of(stale)).get(30, TimeUnit.SECONDS);

        assertEquals(List.of(Result.Code.INVALID), refused.codes());
        for (int m = 0; m < 3; m++) {
            int member = m;
            cluster.server(m).node().applied(refused.index()).get(30, TimeUnit.SECONDS);
            Instance now = cluster.server(member).node().catalog().instance("pay", "p1").orElseThrow();
            assertEquals(Status.PASSING, now.status(), "member " + m);
            assertEquals(before.statusSince(), now.statusSince(), "member " + m);
        }
    }
}
