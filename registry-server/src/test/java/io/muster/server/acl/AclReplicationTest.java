package io.muster.server.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens and policies are replicated state: made on one member, usable on every other, kept across a restart from
 * disk and carried by a snapshot install to a member rebuilt from nothing. The bootstrap token is made once.
 */
class AclReplicationTest {
    private static final String ROOT = Secrets.newSecret();
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void tokensReplicateAndSurviveARestartAndASnapshotInstall() throws Exception {
        // Small snapshots and segments, so the log a wiped member would need is purged (as in ReplicationTest).
        cluster = new TestCluster(3, Map.of("acl-default-policy", "deny", "acl-bootstrap-token", ROOT,
                "snapshot-threshold", "64", "raft-segment-size", "16384")).start();
        AclCalls calls = new AclCalls(cluster);
        calls.awaitKnownEverywhere(ROOT, 3);
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        assertEquals(1, cluster.server(leader).node().catalog().acl().tokens().size(), "every member carries the flag; one token");

        int follower = cluster.anyFollower();
        assertEquals(200, calls.send(follower, "PUT", "/v1/acl/policies/ops", "{\"rules\":[{\"operator\":\"read\"}]}", ROOT).status());
        String[] made = calls.createToken(follower, ROOT, "ops");
        assertEquals(200, calls.get(follower, "/v1/cluster", made[1]).status(), "usable at once where it was made");
        calls.awaitKnownEverywhere(made[1], 3);

        // Restart from disk.
        cluster.stop(follower);
        cluster.start(follower);
        calls.awaitKnownEverywhere(made[1], 3);
        assertEquals(200, calls.get(follower, "/v1/cluster", made[1]).status());

        // A member wiped and rebuilt from a snapshot (its log is purged away on the others) gets the ACL state too.
        int victim = cluster.anyFollower();
        cluster.kill(victim);
        cluster.wipe(victim);
        leader = cluster.awaitLeader(Duration.ofSeconds(10));
        int other = 3 - leader - victim;
        String[] late = calls.createToken(leader, ROOT, "ops");
        assertEquals(200, calls.send(leader, "DELETE", "/v1/acl/tokens/" + made[0], (byte[]) null, ROOT).status());
        for (int i = 0; i < 150; i++) {
            assertEquals(200, calls.send(i % 2 == 0 ? leader : other, "PUT", "/v1/services/s/instances/i" + i,
                    "{\"address\":\"10.0.0.1\",\"port\":80}", ROOT).status());
        }
        cluster.server(leader).node().takeSnapshot();
        cluster.server(other).node().takeSnapshot();
        for (int i = 0; i < 80; i++) {
            assertEquals(200, calls.send(leader, "PUT", "/v1/services/s/instances/j" + i, "{\"address\":\"10.0.0.1\",\"port\":80}", ROOT).status());
        }
        cluster.server(leader).node().takeSnapshot();
        cluster.server(other).node().takeSnapshot();

        cluster.start(victim);
        int v = victim;
        TestCluster.await("the rebuilt member knows the late token", Duration.ofSeconds(30),
                () -> calls.get(v, "/v1/acl/whoami", late[1]).status() == 200);
        assertTrue(cluster.server(victim).node().installedSnapshots() >= 1, "caught up by InstallSnapshot");
        assertEquals(401, calls.get(victim, "/v1/acl/whoami", made[1]).status(), "the deleted token is gone there too");
        assertEquals(200, calls.get(victim, "/v1/acl/whoami", ROOT).status());
        int l = cluster.awaitLeader(Duration.ofSeconds(10));
        TestCluster.await("same ACL state", Duration.ofSeconds(30), () ->
                cluster.server(v).node().catalog().acl().equals(cluster.server(l).node().catalog().acl()));
        assertEquals(1, cluster.server(v).node().catalog().acl().tokens().values().stream()
                .filter(t -> t.policies().contains("management")).count(), "the bootstrap never ran twice");
    }

    @Test
    void underAllowNoTokenMayDoWhatNoRuleDeniesButAnUnknownTokenIsRefused() {
        cluster = new TestCluster(1, Map.of("acl-bootstrap-token", ROOT)).start();
        AclCalls calls = new AclCalls(cluster);
        calls.awaitKnownEverywhere(ROOT, 1);
        String reg = "{\"address\":\"10.0.0.1\",\"port\":80}";
        assertEquals(200, calls.send(0, "PUT", "/v1/services/web/instances/a", reg, null).status());
        assertEquals(200, calls.get(0, "/v1/cluster", null).status());
        assertEquals(200, calls.get(0, "/metrics", null).status());
        AclCalls.Answer unknown = calls.send(0, "PUT", "/v1/services/web/instances/b", reg, Secrets.newSecret());
        assertEquals(401, unknown.status(), unknown::toString);
        assertEquals("unauthenticated", unknown.json().get("error").asText());

        // The anonymous policy narrows what requests without a token may do.
        assertEquals(200, calls.send(0, "PUT", "/v1/acl/policies/anonymous",
                "{\"rules\":[{\"service\":\"\",\"prefix\":true,\"access\":\"read\"},{\"operator\":\"deny\"},{\"acl\":\"deny\"}]}", null).status());
        assertEquals(401, calls.send(0, "PUT", "/v1/services/web/instances/c", reg, null).status());
        assertEquals(200, calls.get(0, "/v1/services/web", null).status());
        assertEquals(401, calls.get(0, "/v1/cluster", null).status());
        assertEquals(401, calls.send(0, "DELETE", "/v1/acl/policies/anonymous", (byte[]) null, null).status(), "it cannot undo itself");
        // A token with a narrow policy still gets the default (allow) where its rules are silent.
        assertEquals(200, calls.send(0, "PUT", "/v1/acl/policies/web-only", "{\"rules\":[{\"service\":\"web\",\"access\":\"read\"}]}", ROOT).status());
        String[] t = calls.createToken(0, ROOT, "web-only");
        assertEquals(403, calls.send(0, "PUT", "/v1/services/web/instances/d", reg, t[1]).status());
        assertEquals(200, calls.send(0, "PUT", "/v1/services/db/instances/d", reg, t[1]).status());
        assertEquals(200, calls.send(0, "PUT", "/v1/services/web/instances/d", reg, ROOT).status());
    }
}
