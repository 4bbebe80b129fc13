package io.muster.store.command;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.httpSpec;
import static io.muster.store.Fixtures.noCheckSpec;
import static io.muster.store.Fixtures.tcpSpec;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.acl.Access;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The log entry wire format: [version][leader time][JSON commands]. */
class EntryCodecTest {

    static Stream<Command> everyCommand() {
        return Stream.of(
                new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)),
                new Command.Register("web", "web-2", httpSpec("10.0.0.2", 80)),
                new Command.Register("db", "db-1", tcpSpec("db.internal", 5432)),
                new Command.Register("cache", "c-1", noCheckSpec("::1", 6379)),
                new Command.Register("web", "web-3", new InstanceSpec("10.0.0.3", 1, List.of("a", "b"),
                        Map.of("k1", "v1", "k2", "v2 with \"quotes\" and ünïcode"), 1000, null)),
                new Command.Deregister("web", "web-1"),
                new Command.Deregister("web", "web-1", T0),
                new Command.SetStatus("web", "web-1", T0, Status.WARNING, "slow"),
                new Command.SetStatus("web", "web-1", T0, Status.CRITICAL, ""),
                new Command.Checkpoint(Map.of("web/web-1", T0, "db/db-1", T0 + 1)),
                new Command.Checkpoint(Map.of()),
                new Command.PublishMember(new Member("n1", "127.0.0.1:8700", "127.0.0.1:8753")),
                new Command.SetOption("selfPreservation", "false"),
                new Command.PutPolicy(new Policy("web-rw", "web and metrics", List.of(
                        new Rule.Service("web", false, Access.WRITE), new Rule.Service("", true, Access.DENY),
                        new Rule.Operator(Access.READ), new Rule.Acl(Access.DENY)))),
                new Command.PutPolicy(new Policy("empty", null, List.of())),
                new Command.DeletePolicy("web-rw"),
                new Command.CreateToken("3f1c-accessor", "ab".repeat(32), "ci deployer", List.of("web-rw", "management")),
                new Command.CreateToken("a2", "cd".repeat(32), null, List.of()),
                new Command.DeleteToken("3f1c-accessor"),
                new Command.BootstrapAcl("b-accessor", "ef".repeat(32), "bootstrap token"));
    }

    @Test
    void entriesWithAclCommandsAreVersion2AndOthersStayVersion1() {
        // Members of the previous release read every entry but ACL ones, and refuse those by their version.
        for (Command c : everyCommand().toList()) {
            byte version = EntryCodec.encode(new Entry(T0, List.of(c)))[0];
            assertEquals(c instanceof Command.AclChange ? 2 : 1, version, c.toString());
        }
        byte[] mixed = EntryCodec.encode(new Entry(T0, List.of(new Command.SetOption("a", "b"), new Command.DeletePolicy("p"))));
        assertEquals(2, mixed[0]);
        assertEquals(T0 + 1, EntryCodec.decode(EntryCodec.stamp(mixed, T0 + 1)).time());
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void everyCommandSurvivesARoundTrip(Command command) {
        Entry decoded = EntryCodec.decode(EntryCodec.encode(new Entry(T0, List.of(command))));

        assertEquals(new Entry(T0, List.of(command)), decoded);
    }

    @Test
    void restoreRoundTripKeepsTheSnapshotBytes() {
        byte[] snapshot = new byte[300];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = (byte) i;
        }

        Entry decoded = EntryCodec.decode(EntryCodec.encode(new Entry(T0, List.of(new Command.Restore(snapshot)))));

        assertArrayEquals(snapshot, assertInstanceOf(Command.Restore.class, decoded.commands().get(0)).snapshot());
    }

    @Test
    void batchKeepsCommandOrderAndTime() {
        List<Command> all = everyCommand().toList();

        Entry decoded = EntryCodec.decode(EntryCodec.encode(new Entry(-5, all)));

        assertEquals(all, decoded.commands());
        assertEquals(-5, decoded.time());
    }

    @Test
    void emptyBatchRoundTrips() {
        assertEquals(new Entry(T0, List.of()), EntryCodec.decode(EntryCodec.encode(new Entry(T0, List.of()))));
    }

    @Test
    void headerIsVersionThenBigEndianTimeThenJson() {
        byte[] bytes = EntryCodec.encode(new Entry(T0, List.of(new Command.SetOption("a", "b"))));

        assertEquals(1, bytes[0]);
        assertEquals(T0, ByteBuffer.wrap(bytes, 1, 8).getLong());
        assertEquals("[{\"op\":\"option\",\"name\":\"a\",\"value\":\"b\"}]",
                new String(bytes, 9, bytes.length - 9, StandardCharsets.UTF_8));
    }

    @Test
    void leaderStampReplacesOnlyTheTime() {
        Entry proposed = new Entry(0, everyCommand().toList());
        byte[] bytes = EntryCodec.encode(proposed);

        byte[] stamped = EntryCodec.stamp(bytes, T0 + 42);

        assertEquals(new Entry(T0 + 42, proposed.commands()), EntryCodec.decode(stamped));
        assertArrayEquals(Arrays.copyOfRange(bytes, 9, bytes.length), Arrays.copyOfRange(stamped, 9, stamped.length));
        assertEquals(0, EntryCodec.decode(bytes).time(), "the proposer's bytes are not modified");
    }

    @Test
    void stampRefusesBytesThatAreNotAnEntry() {
        assertThrows(IllegalArgumentException.class, () -> EntryCodec.stamp(new byte[3], T0));
        byte[] v3 = EntryCodec.encode(new Entry(0, List.of()));
        v3[0] = 3;
        assertThrows(IllegalArgumentException.class, () -> EntryCodec.stamp(v3, T0));
    }

    @ParameterizedTest
    @ValueSource(bytes = {0, 3, 9, -1, '['})
    void unknownVersionIsRefused(byte version) {
        byte[] bytes = EntryCodec.encode(new Entry(T0, List.of(new Command.SetOption("a", "b"))));
        bytes[0] = version;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EntryCodec.decode(bytes));
        assertTrue(e.getMessage().contains("version " + version), e.getMessage());
    }

    @Test
    void truncatedEntryIsRefused() {
        byte[] bytes = EntryCodec.encode(new Entry(T0, List.of(new Command.Register("web", "w", ttlSpec("10.0.0.1", 80)))));

        for (int length : new int[] {0, 1, 8, 9, 10, bytes.length / 2, bytes.length - 1}) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThrows(IllegalArgumentException.class, () -> EntryCodec.decode(cut), "length " + length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "null",
        "[null]",
        "{}",
        "[]x",
        "[] []",
        "garbage",
        "[{\"op\":\"nope\"}]",
        "[{\"service\":\"web\",\"id\":\"w\"}]",
        "[{\"op\":\"deregister\",\"service\":\"web\",\"id\":\"w\",\"registeredAt\":\"12\"}]",
        "[{\"op\":\"deregister\",\"service\":\"web\",\"id\":\"w\",\"registeredAt\":0,\"extra\":1}]",
        "[{\"op\":\"status\",\"service\":\"web\",\"id\":\"w\",\"registeredAt\":1,\"status\":\"PASSING\",\"note\":\"\"}]",
        "[{\"op\":\"register\",\"service\":\"web\",\"id\":\"w\",\"spec\":{\"address\":\"a\",\"port\":\"80\",\"tags\":[],"
                + "\"metadata\":{},\"weight\":1}}]",
        "[{\"op\":\"register\",\"service\":\"web\",\"id\":\"w\",\"spec\":{\"address\":\"a\",\"port\":80,\"tags\":[],"
                + "\"metadata\":{},\"weight\":1,\"check\":{\"ttl\":\"10 seconds\"}}}]",
    })
    void garbageJsonIsRefusedAsIllegalArgument(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = ByteBuffer.allocate(9 + body.length).put((byte) 1).putLong(T0).put(body).array();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EntryCodec.decode(bytes));
        assertTrue(e.getMessage().startsWith("corrupt log entry"), e.getMessage());
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String json = "[{\"op\":\"checkpoint\",\"renewals\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}]";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = ByteBuffer.allocate(9 + body.length).put((byte) 1).putLong(T0).put(body).array();

        assertThrows(IllegalArgumentException.class, () -> EntryCodec.decode(bytes));
    }
}
