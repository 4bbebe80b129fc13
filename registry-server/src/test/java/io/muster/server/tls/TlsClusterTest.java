package io.muster.server.tls;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.MusterClient;
import io.muster.client.Registration;
import io.muster.client.ServiceView;
import io.muster.server.testing.TestCertificates;
import io.muster.server.testing.TestCluster;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.model.Member;
import io.muster.store.raft.RaftNode;
import io.muster.store.tls.PemFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three members with TLS everywhere: HTTPS on the API, mutual TLS on Raft. The cluster forms, replicates, backs up and
 * restores, and fails over; a member or a Raft client without a certificate from the cluster's CA gets nowhere
 * (design rule 18). One cluster for the class, so the tests run in order; the failover and the stranger come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsClusterTest {
    private static final TestCertificates CERTS = TestCertificates.cluster();
    private static final TestCertificates OTHER = TestCertificates.other();
    private static final String BODY = "{\"address\":\"10.0.0.1\",\"port\":80}";
    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(4, 3, Map.of()).https(CERTS.trustingContext());
        for (int i = 0; i < 4; i++) {
            Map<String, String> flags = new HashMap<>(CERTS.httpFlags(cluster.id(i)));
            flags.putAll(CERTS.raftFlags(cluster.id(i)));
            cluster.memberFlags(i, flags);
        }
        cluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void assertEventuallyOnEveryRunningMember(String service, int instances) {
        for (int i = 0; i < 3; i++) {
            if (!cluster.running(i)) {
                continue;
            }
            int member = i;
            TestCluster.await(cluster.id(i) + " has " + instances + " instances of " + service, Duration.ofSeconds(30), () -> {
                HttpResponse<String> r = cluster.get(member, "/v1/services/" + service + "?consistency=stale");
                return r.statusCode() == 200 && json(r).get("instances").size() == instances;
            });
        }
    }

    @Test
    @Order(1)
    void theClusterFormsAndReplicatesOverTls() {
        int follower = cluster.anyFollower();
        HttpResponse<String> r = cluster.put(follower, "/v1/services/web/instances/w1", BODY);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(200, cluster.put(cluster.awaitLeader(Duration.ofSeconds(10)), "/v1/services/web/instances/w2", BODY).statusCode());
        assertEventuallyOnEveryRunningMember("web", 2);
        // Every member published its HTTPS address; the cluster view lists all three.
        TestCluster.await("three members listed with addresses", Duration.ofSeconds(30), () -> {
            JsonNodeList members = new JsonNodeList(json(cluster.get(0, "/v1/cluster")).get("members"));
            return members.size() == 3 && members.allHave("httpAddress");
        });
        // Plain HTTP to a member's TLS port is refused cleanly.
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
        Exception e = assertThrows(java.io.IOException.class, () -> plain.send(HttpRequest.newBuilder(
                URI.create(cluster.url(follower).replace("https", "http") + "/health/live")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertFalse(e instanceof java.net.http.HttpTimeoutException, e.toString());
        assertEquals(200, cluster.get(follower, "/health/ready").statusCode());
    }

    @Test
    @Order(2)
    void theJavaClientRegistersAndWatchesOverHttps() throws Exception {
        List<String> members = List.of(cluster.url(0), cluster.url(1), cluster.url(2));
        try (MusterClient client = MusterClient.builder().members(members).trustedCertificates(CERTS.ca())
                .connectTimeout(Duration.ofSeconds(15)).requestTimeout(Duration.ofSeconds(20)).build()) {
            client.register(Registration.builder("orders", "o1").address("10.0.0.7").port(8080).ttl(Duration.ofSeconds(30)).build());
            ServiceView view = client.serviceView("orders");
            assertTrue(view.awaitReady(Duration.ofSeconds(30)));
            TestCluster.await("the view holds o1", Duration.ofSeconds(30), () -> view.endpoints().size() == 1);
            assertEquals("10.0.0.7", view.endpoints().get(0).address());
        }
        // A client that trusts another CA does not talk to this cluster at all.
        try (MusterClient stranger = MusterClient.builder().members(cluster.url(0)).trustedCertificates(OTHER.ca())
                .requestTimeout(Duration.ofSeconds(2)).build()) {
            assertThrows(io.muster.client.RegistryUnavailableException.class, () -> stranger.register(
                    Registration.builder("orders", "evil").address("10.6.6.6").port(1).ttl(Duration.ofSeconds(30)).build()));
        }
        // Closing the first client deregistered o1; the stranger's instance never arrived.
        assertEquals(0, json(cluster.get(0, "/v1/services/orders?consistency=consistent")).get("instances").size());
    }

    @Test
    @Order(3)
    void aBackupIsSavedAndRestoredOverHttps() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(CERTS.trustingContext()).connectTimeout(Duration.ofSeconds(15)).build();
        int member = cluster.anyFollower();
        assertEquals(200, cluster.put(member, "/v1/services/kept/instances/k1", BODY).statusCode());
        HttpResponse<byte[]> saved = https.send(HttpRequest.newBuilder(URI.create(cluster.url(member) + "/v1/snapshot"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, saved.statusCode());
        assertEquals(200, cluster.put(member, "/v1/services/later/instances/l1", BODY).statusCode());
        assertEventuallyOnEveryRunningMember("later", 1);

        HttpResponse<String> restored = https.send(HttpRequest.newBuilder(URI.create(cluster.url(member) + "/v1/snapshot"))
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(saved.body())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, restored.statusCode(), restored.body());
        assertEventuallyOnEveryRunningMember("later", 0);
        assertEventuallyOnEveryRunningMember("kept", 1);
    }

    /** A Ratis client of the group, with these TLS parameters (or none), that gives up after a few seconds. */
    private static RaftClient ratisClient(Optional<Parameters> tls) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add(RaftPeer.newBuilder().setId(cluster.id(i)).setAddress("127.0.0.1:" + cluster.ports(i).raft()).build());
        }
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        RaftClient.Builder b = RaftClient.newBuilder().setProperties(p).setRaftGroup(RaftGroup.valueOf(RaftNode.GROUP_ID, peers))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(3, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
        tls.ifPresent(b::setParameters);
        return b.build();
    }

    private static Parameters tls(TestCertificates certs, String name, TestCertificates trusted) {
        Parameters p = new Parameters();
        GrpcConfigKeys.TLS.setConf(p, new GrpcTlsConfig(PemFiles.keyManager("cert", certs.cert(name), "key", certs.key(name)),
                PemFiles.trustManager("ca", trusted.ca()), true));
        return p;
    }

    /** Proposes a log entry that publishes member {@code id}; true if the cluster took it. */
    private static boolean append(Optional<Parameters> tls, String id) throws Exception {
        byte[] entry = EntryCodec.encode(new Entry(0, List.of(new Command.PublishMember(new Member(id, "10.6.6.6:80", "10.6.6.6:53")))));
        try (RaftClient client = ratisClient(tls)) {
            RaftClientReply reply = client.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry))).get(60, TimeUnit.SECONDS);
            return reply.isSuccess();
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    @Test
    @Order(4)
    void aRaftClientWithoutTheClustersCertificateCannotAppend() throws Exception {
        assertFalse(append(Optional.empty(), "plaintext-intruder"), "a plaintext Raft client appended");
        assertFalse(append(Optional.of(tls(OTHER, "n1", CERTS)), "foreign-intruder"), "a client with another CA's certificate appended");
        assertFalse(append(Optional.of(tls(OTHER, "n1", OTHER)), "stranger"), "a client of another CA appended");
        // The same request with a certificate from the cluster's CA goes through, so the refusals above are the TLS.
        assertTrue(append(Optional.of(tls(CERTS, "client", CERTS)), "insider"));
        TestCluster.await("insider applied everywhere", Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 3; i++) {
                if (!cluster.server(i).node().catalog().members().containsKey("insider")) {
                    return false;
                }
            }
            return true;
        });
        for (int i = 0; i < 3; i++) {
            Set<String> published = new HashSet<>(cluster.server(i).node().catalog().members().keySet());
            assertFalse(published.contains("plaintext-intruder") || published.contains("foreign-intruder")
                    || published.contains("stranger"), cluster.id(i) + " applied an intruder's entry: " + published);
        }
    }

    @Test
    @Order(5)
    void writesGoOnAfterTheLeaderDies() {
        int old = cluster.awaitLeader(Duration.ofSeconds(30));
        cluster.kill(old);
        int survivor = (old + 1) % 3;
        TestCluster.await("a write through a survivor", Duration.ofSeconds(60), () ->
                cluster.put(survivor, "/v1/services/after/instances/a1", BODY).statusCode() == 200);
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        assertNotEquals(old, leader);
        assertEventuallyOnEveryRunningMember("after", 1);
        // The dead member comes back over TLS and catches up.
        cluster.start(old);
        TestCluster.await(cluster.id(old) + " caught up", Duration.ofSeconds(60), () -> {
            HttpResponse<String> r = cluster.get(old, "/v1/services/after?consistency=stale");
            return r.statusCode() == 200 && json(r).get("instances").size() == 1;
        });
    }

    @Test
    @Order(6)
    void aMemberWithAnotherCasCertificateCannotJoin() {
        Map<String, String> flags = new HashMap<>(CERTS.httpFlags("n4"));
        flags.putAll(OTHER.raftFlags("n4"));
        cluster.memberFlags(3, flags);
        cluster.start(3);
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        long refusedBefore = cluster.server(leader).node().tlsRefusals();
        // The leader cannot reach the stranger (its certificate is not from the cluster's CA, and it would refuse the
        // leader's), so the change makes no progress; Ratis keeps retrying it, so the answer may take long: wait a
        // while, then check that nothing changed.
        try {
            HttpResponse<String> add = cluster.send("POST", leader, "/v1/cluster/members", "{\"id\":\"n4\",\"raftAddress\":\"127.0.0.1:"
                    + cluster.ports(3).raft() + "\"}", Duration.ofSeconds(8));
            assertNotEquals(200, add.statusCode(), "a member with a foreign certificate was added: " + add.body());
        } catch (java.io.UncheckedIOException e) {
            assertTrue(e.getCause() instanceof java.net.http.HttpTimeoutException, e.toString());
        }
        assertEquals(0, cluster.server(3).node().catalog().appliedIndex(), "the stranger received entries");
        for (int i = 0; i < 3; i++) {
            assertEquals(3, cluster.server(i).node().currentPeers().size(), cluster.id(i) + " took the stranger in");
        }
        assertEquals(200, cluster.put(leader, "/v1/services/meanwhile/instances/m1", BODY).statusCode());
        assertEventuallyOnEveryRunningMember("meanwhile", 1);
        assertFalse(cluster.server(3).node().isLeader(), "the stranger made itself leader");
        // The leader refused the stranger's certificate when it called it, counted that, and exports the count.
        assertTrue(cluster.server(leader).node().tlsRefusals() > refusedBefore, "the leader did not count the stranger's certificate");
        assertTrue(cluster.get(leader, "/metrics").body().lines()
                .anyMatch(l -> l.startsWith("muster_raft_tls_refusals_total") && !l.endsWith(" 0.0")), "no refusals in /metrics");
        assertEquals(0, cluster.server(3).node().catalog().appliedIndex(), "the stranger received entries");
    }

    /** The few questions the tests ask of a JSON array. */
    private record JsonNodeList(com.fasterxml.jackson.databind.JsonNode array) {
        int size() {
            return array == null ? 0 : array.size();
        }

        boolean allHave(String field) {
            for (com.fasterxml.jackson.databind.JsonNode n : array) {
                if (!n.hasNonNull(field)) {
                    return false;
                }
            }
            return true;
        }
    }
}
