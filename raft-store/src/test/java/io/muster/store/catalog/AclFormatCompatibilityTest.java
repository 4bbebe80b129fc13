package io.muster.store.catalog;

import static io.muster.store.compat.CompatFixtures.LOG_DIR;
import static io.muster.store.compat.CompatFixtures.LOG_V2_DIR;
import static io.muster.store.compat.CompatFixtures.LOG_V2_READABLE;
import static io.muster.store.compat.CompatFixtures.SECRET_HASH_1;
import static io.muster.store.compat.CompatFixtures.SECRET_HASH_2;
import static io.muster.store.compat.CompatFixtures.SNAPSHOT;
import static io.muster.store.compat.CompatFixtures.SNAPSHOT_V2;
import static io.muster.store.compat.CompatFixtures.SNAPSHOT_V2_READABLE;
import static io.muster.store.compat.CompatFixtures.T0;
import static io.muster.store.compat.CompatFixtures.gunzip;
import static io.muster.store.compat.CompatFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.store.acl.Access;
import io.muster.store.acl.AclState;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import io.muster.store.acl.Token;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import io.muster.store.compat.CompatFixtures;
import io.muster.store.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Format version 2 (the ACL commands and the snapshot's {@code acl} section) must stay readable the way version 1
 * does: the committed files under {@code compat/log-v2} and {@code compat/snapshot-v2.*} were written once; the
 * expected ACL state is spelled out by hand.
 */
class AclFormatCompatibilityTest {
    private static final int FIRST = 7;
    private static final int LAST = 11;

    private static byte[] entry(int index) {
        return resource((index < FIRST ? LOG_DIR : LOG_V2_DIR) + "entry-" + index + ".bin");
    }

    @Test
    void v2EntriesDecodeToTheCommandsTheyWereWrittenFrom() {
        List<Entry> expected = CompatFixtures.logV2();
        for (int i = FIRST; i <= LAST; i++) {
            assertEquals(expected.get(i - FIRST), EntryCodec.decode(entry(i)), "entry " + i);
        }
    }

    @Test
    void onlyEntriesCarryingAclCommandsAreVersion2() {
        List<Integer> versions = new ArrayList<>();
        for (int i = FIRST; i <= LAST; i++) {
            versions.add((int) entry(i)[0]);
        }
        assertEquals(List.of(2, 2, 2, 2, 1), versions);
    }

    @Test
    void entriesWrittenTodayHaveTheV2Shape() throws IOException {
        List<Entry> log = CompatFixtures.logV2();
        for (int i = FIRST; i <= LAST; i++) {
            byte[] today = EntryCodec.encode(log.get(i - FIRST));
            byte[] v2 = entry(i);
            assertEquals(v2[0], today[0], "version of entry " + i);
            assertEquals(Json.mapper().readTree(v2, 9, v2.length - 9), Json.mapper().readTree(today, 9, today.length - 9));
        }
    }

    @Test
    void readableCopyMatchesTheBinaryEntries() throws IOException {
        JsonNode readable = Json.mapper().readTree(resource(LOG_V2_READABLE));
        assertEquals(LAST - FIRST + 1, readable.size());
        for (int i = FIRST; i <= LAST; i++) {
            byte[] bytes = entry(i);
            JsonNode e = readable.get(i - FIRST);
            assertEquals(i, e.get("index").asInt());
            assertEquals(bytes[0], e.get("version").asInt());
            assertEquals(ByteBuffer.wrap(bytes, 1, 8).getLong(), e.get("time").asLong());
            assertEquals(e.get("commands"), Json.mapper().readTree(bytes, 9, bytes.length - 9));
        }
    }

    @Test
    void replayingBothLogsGivesExactlyTheV2SnapshotAndTheExpectedOutcomes() {
        Catalog replayed = new Catalog();
        List<List<Result.Code>> codes = new ArrayList<>();
        for (int i = 1; i <= LAST; i++) {
            List<Result.Code> c = new ArrayList<>();
            replayed.apply(i, EntryCodec.decode(entry(i))).forEach(r -> c.add(r.code()));
            codes.add(c);
        }

        assertEquals(List.of(Result.Code.OK, Result.Code.OK, Result.Code.OK), codes.get(6));
        assertEquals(List.of(Result.Code.OK, Result.Code.OK, Result.Code.INVALID), codes.get(7),
                "a token reusing another's secret is refused");
        assertEquals(List.of(Result.Code.OK, Result.Code.NOT_FOUND, Result.Code.INVALID), codes.get(8),
                "a second bootstrap is refused");
        assertEquals(List.of(Result.Code.OK, Result.Code.NOT_FOUND), codes.get(9));
        // Written before empty services were removed: its empty "gone" is what today's catalog no longer keeps.
        assertEquals(SnapshotFormatCompatibilityTest.withoutEmptyServices(SnapshotFormat.read(resource(SNAPSHOT_V2))), replayed.export());
    }

    @Test
    void v2SnapshotLoadsToTheExpectedAclState() {
        Catalog c = new Catalog();
        c.load(SnapshotFormat.read(resource(SNAPSHOT_V2)));
        AclState acl = c.acl();

        assertTrue(acl.bootstrapped());
        assertEquals(10, acl.index());
        assertEquals(List.of("web-rw"), List.copyOf(acl.policies().keySet()));
        assertEquals(new Policy("web-rw", "deploys web", List.of(
                new Rule.Service("web", false, Access.WRITE), new Rule.Service("we", true, Access.READ),
                new Rule.Service("", true, Access.DENY), new Rule.Operator(Access.READ), new Rule.Acl(Access.DENY))),
                acl.policy("web-rw").orElseThrow());
        assertEquals(new Token("00000000-0000-4000-8000-000000000001", SECRET_HASH_1, "bootstrap token",
                List.of(Policy.MANAGEMENT), T0 + 6_000), acl.bySecretHash(SECRET_HASH_1).orElseThrow());
        assertEquals(new Token("00000000-0000-4000-8000-000000000002", SECRET_HASH_2, "web deployer",
                List.of("web-rw"), T0 + 7_000), acl.token("00000000-0000-4000-8000-000000000002").orElseThrow());
        assertEquals(2, acl.tokens().size());
        assertEquals("true", c.option("selfPreservation").orElseThrow());
    }

    @Test
    void snapshotWrittenTodayHasTheV2Shape() throws IOException {
        Catalog c = new Catalog();
        c.load(SnapshotFormat.read(resource(SNAPSHOT_V2)));

        byte[] expected = SnapshotFormat.toBytes(SnapshotFormatCompatibilityTest.withoutEmptyServices(SnapshotFormat.read(resource(SNAPSHOT_V2))));
        assertEquals(Json.mapper().readTree(gunzip(expected)),
                Json.mapper().readTree(gunzip(SnapshotFormat.toBytes(c.export()))));
    }

    @Test
    void readableCopyIsTheSameSnapshot() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(resource(SNAPSHOT_V2_READABLE));
        }
        assertEquals(SnapshotFormat.read(resource(SNAPSHOT_V2)), SnapshotFormat.read(gz.toByteArray()));
    }

    @Test
    void restoringAV2BackupReplacesTheAclStateAndAV1BackupKeepsIt() {
        Catalog c = new Catalog();
        c.apply(1, new Entry(T0, List.of(new Command.BootstrapAcl("mine", "aa".repeat(32), "today's"))));

        assertEquals(Result.Code.OK, c.apply(2, new Entry(T0, List.of(new Command.Restore(resource(SNAPSHOT))))).get(0).code());
        assertTrue(c.acl().token("mine").isPresent(), "a backup from before ACLs must not lock everyone out");

        assertEquals(Result.Code.OK, c.apply(3, new Entry(T0, List.of(new Command.Restore(resource(SNAPSHOT_V2))))).get(0).code());
        assertFalse(c.acl().token("mine").isPresent());
        assertTrue(c.acl().bySecretHash(SECRET_HASH_2).isPresent());
        assertEquals(3, c.acl().index(), "the ACL index moves forward to the restore");
    }

    @Test
    void aCatalogWithoutAclStateStillWritesVersion1() {
        assertEquals(1, CompatFixtures.replay().export().version());
        assertEquals(2, CompatFixtures.replayV2().export().version());
    }
}
