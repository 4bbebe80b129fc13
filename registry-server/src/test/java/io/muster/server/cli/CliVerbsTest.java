package io.muster.server.cli;

import static io.muster.server.testing.TestCluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every verb of {@code bin/muster} against real members: what it prints, its {@code --json}, and its exit codes
 * (0 done, 1 refused). Bad usage (exit 2) is muster-cli's own test; it needs no cluster.
 */
class CliVerbsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        // Three members and a fourth slot for members add/remove.
        cluster = new TestCluster(4, 3, Map.of()).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Cli cli(int member) {
        return new Cli("127.0.0.1:" + cluster.ports(member).http());
    }

    private static Cli.Run ok(Cli cli, String... args) {
        Cli.Run r = cli.run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + " -> " + r);
        return r;
    }

    private static JsonNode okJson(Cli cli, String... args) throws Exception {
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
        withJson[args.length] = "--json";
        return JSON.readTree(ok(cli, withJson).out());
    }

    @Test
    void registerListShowAndDeregister() throws Exception {
        Cli c = cli(cluster.anyFollower());
        Cli.Run reg = ok(c, "register", "shop", "shop-1", "--address", "10.0.0.1", "--port", "8080", "--tag", "primary",
                "--meta", "version=2.1", "--weight", "7", "--ttl", "30s");
        assertTrue(reg.out().startsWith("registered shop/shop-1 at index "), reg.out());
        JsonNode second = okJson(c, "register", "shop", "shop-2", "--address", "shop2.example", "--port", "81", "--tag", "canary");
        assertTrue(second.path("index").asLong() > 0, second.toString());

        Cli.Run services = ok(c, "services");
        assertTrue(services.out().lines().anyMatch(l -> l.matches("shop\\s+2\\s+2\\s+0\\s+0\\s+canary,primary")), services.out());
        JsonNode list = okJson(c, "services");
        assertEquals(json(cluster.get(0, "/v1/services")).get("shop").path("instances"), list.get("shop").path("instances"));

        JsonNode shop = okJson(c, "service", "shop");
        assertEquals(2, shop.path("instances").size());
        JsonNode one = shop.path("instances").get(0);
        assertEquals("shop-1", one.path("id").asText());
        assertEquals("2.1", one.path("metadata").path("version").asText());
        assertEquals(7, one.path("weight").asInt());
        assertEquals("30s", one.path("check").path("ttl").asText());

        Cli.Run table = ok(c, "service", "shop", "--tag", "primary");
        assertTrue(table.out().contains("shop-1") && !table.out().contains("shop-2"), table.out());
        assertTrue(table.out().lines().findFirst().orElse("").startsWith("ID"), table.out());
        assertTrue(table.out().contains("version=2.1") && table.out().contains("ttl 30s"), table.out());

        Cli.Run gone = ok(c, "deregister", "shop", "shop-2");
        assertTrue(gone.out().startsWith("deregistered shop/shop-2"), gone.out());
        Cli.Run again = c.run("deregister", "shop", "shop-2");
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().contains("not_found"), again.err());
    }

    @Test
    void heartbeatSetsStatusAndNote() throws Exception {
        Cli c = cli(0);
        ok(c, "register", "beat", "b1", "--address", "10.0.0.2", "--port", "80", "--ttl", "1m");
        Cli.Run hb = ok(c, "heartbeat", "beat", "b1", "--status", "warning", "--note", "disk 91%");
        assertEquals("renewed beat/b1", hb.out().strip());
        TestCluster.await("b1 warning", Duration.ofSeconds(30), () -> {
            JsonNode i = json(cluster.get(0, "/v1/services/beat")).path("instances").path(0);
            return i.path("status").asText().equals("warning") && i.path("note").asText().equals("disk 91%");
        });
        assertTrue(ok(c, "service", "beat", "--healthy").out().contains("No") || !ok(c, "service", "beat", "--healthy").out().contains("b1"));
        ok(c, "heartbeat", "beat", "b1");
        TestCluster.await("b1 passing", Duration.ofSeconds(30), () ->
                json(cluster.get(0, "/v1/services/beat")).path("instances").path(0).path("status").asText().equals("passing"));
        Cli.Run unknown = c.run("heartbeat", "beat", "nobody");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("refused (HTTP 404 not_found)"), unknown.err());
    }

    @Test
    void aRefusedWriteExitsOne() {
        Cli.Run r = cli(1).run("register", "bad", "b1", "--address", "not an address!", "--port", "80");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("HTTP 400 invalid_argument") && r.err().contains("field address"), r.err());
        assertEquals(0, json(cluster.get(0, "/v1/services/bad")).path("instances").size(), "a refused write changes nothing");
    }

    @Test
    void anUnreachableMemberExitsOne() {
        Cli.Run r = new Cli("127.0.0.1:" + TestCluster.freePort()).run("services");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot reach the registry"), r.err());
    }

    @Test
    void watchPrintsEachChangeAsItComes() throws Exception {
        Cli c = cli(2);
        ok(c, "register", "seen", "s1", "--address", "10.0.0.3", "--port", "80");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Cli.Run> watch = CompletableFuture.supplyAsync(() -> c.run(out, "watch", "seen", "--count", "2", "--json"));
        TestCluster.await("the first answer", Duration.ofSeconds(30), () -> out.toString(StandardCharsets.UTF_8).lines().count() >= 1);
        assertFalse(watch.isDone(), "watch waits for a change");
        ok(cli(0), "register", "seen", "s2", "--address", "10.0.0.4", "--port", "80");
        Cli.Run r = watch.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.toString());
        var lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertEquals(1, JSON.readTree(lines.get(0)).path("instances").size());
        assertEquals(2, JSON.readTree(lines.get(1)).path("instances").size());

        ByteArrayOutputStream human = new ByteArrayOutputStream();
        Cli.Run once = c.run(human, "watch", "seen", "--count", "1");
        assertEquals(0, once.exit(), once.toString());
        assertTrue(once.out().startsWith("# seen at index "), once.out());
        assertTrue(once.out().contains("s1") && once.out().contains("s2"), once.out());
    }

    @Test
    void membersAndLeaderTransfer() throws Exception {
        Cli c = cli(0);
        Cli.Run members = ok(c, "members");
        assertTrue(members.out().startsWith("leader n"), members.out());
        assertEquals(3, members.out().lines().filter(l -> l.matches("n[123]\\s+.*")).count(), members.out());
        JsonNode before = okJson(c, "members");
        String leader = before.path("leader").asText();
        String target = leader.equals("n2") ? "n3" : "n2";
        JsonNode after = okJson(c, "leader", "transfer", target);
        assertEquals(3, after.path("members").size());
        TestCluster.await(target + " leads", Duration.ofSeconds(30), () -> cluster.leader().map(cluster::id).orElse("").equals(target));
        ok(c, "leader", "transfer");
        TestCluster.await("someone else leads", Duration.ofSeconds(30), () -> {
            String now = cluster.leader().map(cluster::id).orElse(target);
            return !now.equals(target);
        });
        Cli.Run nobody = c.run("leader", "transfer", "n9");
        assertEquals(1, nobody.exit(), nobody.toString());
    }

    @Test
    void membersAddAndRemove() throws Exception {
        cluster.start(3);
        Cli c = cli(1);
        JsonNode added = okJson(c, "members", "add", "n4", "--raft", "127.0.0.1:" + cluster.ports(3).raft(),
                "--http", "127.0.0.1:" + cluster.ports(3).http());
        assertTrue(added.path("members").toString().contains("\"n4\""), added.toString());
        Cli.Run twice = c.run("members", "add", "n4", "--raft", "127.0.0.1:" + cluster.ports(3).raft());
        assertEquals(1, twice.exit(), twice.toString());
        assertTrue(twice.err().contains("conflict"), twice.err());
        Cli.Run removed = ok(c, "members", "remove", "n4");
        assertFalse(removed.out().contains("n4 "), removed.out());
        cluster.kill(3);
        Cli.Run unknown = c.run("members", "remove", "n4");
        assertEquals(1, unknown.exit(), unknown.toString());
    }

    @Test
    void snapshotSaveAndRestore() throws Exception {
        Cli c = cli(0);
        ok(c, "register", "kept", "k1", "--address", "10.0.0.5", "--port", "80");
        Path file = cluster.root().resolve("cli-backup.snap");
        Cli.Run saved = ok(c, "snapshot", "save", file.toString());
        assertTrue(saved.out().startsWith("saved a snapshot to "), saved.out());
        assertTrue(Files.size(file) > 0);
        assertFalse(Files.exists(file.resolveSibling("cli-backup.snap.tmp")));
        ok(c, "deregister", "kept", "k1");
        JsonNode restored = okJson(c, "snapshot", "restore", file.toString());
        assertTrue(restored.path("instances").asLong() >= 1, restored.toString());
        TestCluster.await("k1 back", Duration.ofSeconds(30), () ->
                json(cluster.get(0, "/v1/services/kept")).path("instances").size() == 1);
        Path junk = cluster.root().resolve("junk.snap");
        Files.writeString(junk, "not a snapshot");
        Cli.Run refused = c.run("snapshot", "restore", junk.toString());
        assertEquals(1, refused.exit(), refused.toString());
    }

    @Test
    void selfPreservationSwitch() throws Exception {
        Cli c = cli(1);
        assertTrue(ok(c, "self-preservation", "status").out().startsWith("self-preservation enabled"));
        JsonNode off = okJson(c, "self-preservation", "off");
        assertFalse(off.path("enabled").asBoolean());
        TestCluster.await("off everywhere", Duration.ofSeconds(30), () ->
                !json(cluster.get(2, "/v1/operator/self-preservation")).path("enabled").asBoolean());
        assertTrue(ok(c, "self-preservation", "on").out().startsWith("self-preservation enabled"));
        assertTrue(okJson(c, "self-preservation").path("enabled").asBoolean());
    }

    @Test
    void addrFlagBeatsTheEnvironment() {
        Cli wrong = new Cli("127.0.0.1:" + TestCluster.freePort());
        Cli.Run r = wrong.run("members", "--addr", "http://127.0.0.1:" + cluster.ports(0).http() + "/");
        assertEquals(0, r.exit(), r.toString());
    }

    // With ACLs on (MUSTER_TOKEN, 401/403 -> exit 1, the acl verbs): CliWithAclTest.
}
