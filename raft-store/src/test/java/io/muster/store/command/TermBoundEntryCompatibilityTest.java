package io.muster.store.command;

import static io.muster.store.compat.CompatFixtures.T0;
import static io.muster.store.compat.CompatFixtures.TERMS_DIR;
import static io.muster.store.compat.CompatFixtures.TERMS_LOG_TERM;
import static io.muster.store.compat.CompatFixtures.TERMS_READABLE;
import static io.muster.store.compat.CompatFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.SnapshotFormat;
import io.muster.store.compat.CompatFixtures;
import io.muster.store.model.Json;
import io.muster.store.model.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The term-bound lease commands (issue 15: takeover, checkpoint ages, a {@code term} on status and removal) in
 * format version 1 entries, as committed under {@code compat/log-v1-terms/}: they must stay readable, and the
 * commands without a term must keep their v1 shape (EntryFormatCompatibilityTest) so old entries read as before.
 */
class TermBoundEntryCompatibilityTest {
    private static final int ENTRIES = 4;

    private static byte[] entry(int index) {
        return resource(TERMS_DIR + "entry-" + index + ".bin");
    }

    @Test
    void termBoundEntriesDecodeToTheCommandsTheyWereWrittenFrom() {
        List<Entry> expected = CompatFixtures.termsLog();
        for (int i = 1; i <= ENTRIES; i++) {
            assertEquals(expected.get(i - 1), EntryCodec.decode(entry(i)), "entry " + i);
        }
    }

    @Test
    void readableCopyMatchesTheBinaryEntries() throws IOException {
        JsonNode readable = Json.mapper().readTree(resource(TERMS_READABLE));
        assertEquals(ENTRIES, readable.size());
        for (int i = 1; i <= ENTRIES; i++) {
            byte[] bytes = entry(i);
            JsonNode e = readable.get(i - 1);
            assertEquals(1, bytes[0]);
            assertEquals(ByteBuffer.wrap(bytes, 1, 8).getLong(), e.get("time").asLong());
            assertEquals(e.get("commands"), Json.mapper().readTree(bytes, 9, bytes.length - 9), "entry " + i);
        }
    }

    @Test
    void entriesWrittenTodayKeepTheCommittedShape() throws IOException {
        List<Entry> log = CompatFixtures.termsLog();
        for (int i = 1; i <= ENTRIES; i++) {
            byte[] today = EntryCodec.encode(log.get(i - 1));
            byte[] committed = entry(i);
            assertEquals(Json.mapper().readTree(committed, 9, committed.length - 9), Json.mapper().readTree(today, 9, today.length - 9));
        }
    }

    @Test
    void replayedAfterTheV1LogInTermThreeTheDeposedLeadersExpiryIsRefused() {
        Catalog catalog = CompatFixtures.replay();
        List<Result.Code> codes = new ArrayList<>();
        for (int i = 1; i <= ENTRIES; i++) {
            catalog.apply(6 + i, TERMS_LOG_TERM, EntryCodec.decode(entry(i))).forEach(r -> codes.add(r.code()));
        }

        assertEquals(List.of(Result.Code.OK, Result.Code.OK, Result.Code.OK, Result.Code.INVALID, Result.Code.OK), codes);
        assertTrue(catalog.instance("web", "web-1").isEmpty(), "expired, then removed, in term 3");
        assertEquals(Status.WARNING, catalog.instance("db", "db-1").orElseThrow().status(), "term 2's expiry changed nothing");
        assertFalse(catalog.renewals().containsKey("web/web-1"));
        assertTrue(catalog.graceFrom().isEmpty());
        // And a member that replays the same entries from a snapshot of that state agrees.
        assertEquals(catalog.export(), SnapshotFormat.read(SnapshotFormat.toBytes(catalog.export())));
    }

    @Test
    void aCheckpointOfAgesPlacesTheRenewalOnTheEntrysScale() {
        Catalog catalog = CompatFixtures.replay();
        catalog.apply(7, TERMS_LOG_TERM, EntryCodec.decode(entry(1)));
        assertEquals(T0 + 6_000, catalog.graceFrom().get("web/web-1"), "the takeover starts the grace");
        catalog.apply(8, TERMS_LOG_TERM, EntryCodec.decode(entry(2)));
        assertEquals(T0 + 7_000 - 250, catalog.renewals().get("web/web-1"));
        assertFalse(catalog.graceFrom().containsKey("web/web-1"), "renewed since the takeover: its grace is spent");
    }
}
