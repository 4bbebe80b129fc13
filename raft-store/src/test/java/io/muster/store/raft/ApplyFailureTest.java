package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.model.InstanceSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 5 of issue 15: Ratis 3.2.0 logs a failed {@code applyTransaction} and applies the next entry, so a member
 * that cannot read an entry (an older build during a rolling upgrade) silently diverged. A member that cannot apply
 * an entry must stop there, say why, and never apply a later entry. A real one-member Raft group on loopback (the
 * three-member case, with readiness and metrics, is registry-server's ApplyFailureStopsServingTest) accepts an entry
 * it cannot decode (the shape a newer build's entry has for an older one), then a valid one. Before the fix the
 * member logged the failure and applied the next entry.
 */
class ApplyFailureTest {
    @TempDir
    Path root;
    private final List<RaftNode> nodes = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (RaftNode n : nodes) {
            n.close();
        }
    }

    @Test
    void anEntryThatCannotBeAppliedStopsTheMemberAndNothingAfterItIsApplied() throws Exception {
        List<RaftSettings.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 1; i++) {
            peers.add(new RaftSettings.Peer("n" + i, "127.0.0.1:" + freePort()));
        }
        for (RaftSettings.Peer p : peers) {
            RaftNode node = new RaftNode(new RaftSettings(p.id(), p.raftAddress(), peers, Files.createDirectories(root.resolve(p.id())),
                    Duration.ofMillis(500), 10_000, 1 << 20, Clock.systemUTC()), new Catalog());
            node.start();
            nodes.add(node);
        }
        await("a leader", () -> nodes.stream().anyMatch(RaftNode::isReadyLeader));
        RaftNode leader = nodes.stream().filter(RaftNode::isReadyLeader).findFirst().orElseThrow();
        long before = leader.submit(List.of(register("before"))).get(20, TimeUnit.SECONDS).index();

        // Version 1 framing (so the leader stamps it) around a command no build knows.
        byte[] json = "[{\"op\":\"from-the-future\"}]".getBytes(StandardCharsets.UTF_8);
        byte[] unreadable = ByteBuffer.allocate(9 + json.length).put((byte) 1).putLong(0).put(json).array();
        leader.submitEncoded(unreadable);
        // A write after it: it may commit (a majority still stores the log), but no member may apply it.
        leader.submit(List.of(register("after")));

        await("the member to report the failure", () -> nodes.stream().allMatch(n -> n.applyFailure().isPresent()));
        for (RaftNode n : nodes) {
            n.applyFailure().ifPresent(failure -> {
                assertEquals(before + 1, failure.index(), n.id() + ": " + failure);
                assertTrue(failure.describe().contains("cannot apply log entry " + failure.index()), failure.describe());
                assertTrue(failure.describe().contains("from-the-future"), failure.describe());
            });
            assertEquals(before, n.catalog().appliedIndex(), n.id() + " applied past the entry it could not apply");
            assertTrue(n.catalog().service("svc").orElseThrow().instances().containsKey("before"));
            assertTrue(!n.catalog().service("svc").orElseThrow().instances().containsKey("after"), n.id());
        }
    }

    private static Command register(String id) {
        return new Command.Register("svc", id, new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1, null));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
