package io.muster.store.command;

import static io.muster.store.compat.CompatFixtures.LOG_DIR;
import static io.muster.store.compat.CompatFixtures.LOG_READABLE;
import static io.muster.store.compat.CompatFixtures.T0;
import static io.muster.store.compat.CompatFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.store.compat.CompatFixtures;
import io.muster.store.model.Check;
import io.muster.store.model.Json;
import io.muster.store.model.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Log entries written by version 1 must stay readable: a node restarted after an upgrade replays its old log,
 * and during a rolling upgrade old followers must read what a new leader writes.
 */
class EntryFormatCompatibilityTest {
    private static final int ENTRIES = 6;

    private static byte[] v1(int index) {
        return resource(LOG_DIR + "entry-" + index + ".bin");
    }

    @Test
    void v1EntriesDecodeToTheCommandsTheyWereWrittenFrom() {
        List<Entry> expected = CompatFixtures.log();

        for (int i = 1; i <= ENTRIES; i++) {
            Entry decoded = EntryCodec.decode(v1(i));
            assertEquals(expected.get(i - 1).time(), decoded.time(), "entry " + i);
            if (i < ENTRIES) {
                assertEquals(expected.get(i - 1), decoded, "entry " + i);
            }
        }
    }

    @Test
    void v1EntryFieldsReadAsWritten() {
        Entry first = EntryCodec.decode(v1(1));
        Command.Register web1 = assertInstanceOf(Command.Register.class, first.commands().get(0));
        assertEquals(T0, first.time());
        assertEquals("web", web1.service());
        assertEquals("web-1", web1.id());
        assertEquals(List.of("primary", "eu"), web1.spec().tags());
        assertEquals(Map.of("version", "2.1.0", "zone", "eu-1"), web1.spec().metadata());
        assertEquals(new Check.Ttl(Duration.ofSeconds(10), Duration.ofMinutes(5)), web1.spec().check());
        Command.Register web2 = assertInstanceOf(Command.Register.class, first.commands().get(1));
        assertEquals(Duration.ofMillis(1500), assertInstanceOf(Check.Http.class, web2.spec().check()).timeout());

        Entry fourth = EntryCodec.decode(v1(4));
        assertEquals(new Command.SetStatus("db", "db-1", T0, Status.WARNING, "slow connect"), fourth.commands().get(1));
        assertEquals(new Command.Deregister("gone", "g-1", T0 + 2_000), fourth.commands().get(2));
        assertEquals(new Command.Deregister("web", "web-9", 0), fourth.commands().get(3));

        Command.Restore restore = assertInstanceOf(Command.Restore.class, EntryCodec.decode(v1(6)).commands().get(0));
        assertArrayEquals("not a snapshot".getBytes(StandardCharsets.US_ASCII), restore.snapshot());
    }

    @Test
    void v1HeaderIsVersionOneThenBigEndianTime() {
        byte[] bytes = v1(5);

        assertEquals(1, bytes[0]);
        assertEquals(T0 + 4_000, ByteBuffer.wrap(bytes, 1, 8).getLong());
        assertEquals("[{\"op\":\"checkpoint\",\"renewals\":{\"web/web-1\":1700000003500}}]",
                new String(bytes, 9, bytes.length - 9, StandardCharsets.UTF_8));
    }

    @Test
    void readableCopyMatchesTheBinaryEntries() throws IOException {
        JsonNode readable = Json.mapper().readTree(resource(LOG_READABLE));

        assertEquals(ENTRIES, readable.size());
        for (int i = 1; i <= ENTRIES; i++) {
            byte[] bytes = v1(i);
            JsonNode e = readable.get(i - 1);
            assertEquals(i, e.get("index").asInt());
            assertEquals(bytes[0], e.get("version").asInt());
            assertEquals(ByteBuffer.wrap(bytes, 1, 8).getLong(), e.get("time").asLong());
            assertEquals(e.get("commands"), Json.mapper().readTree(bytes, 9, bytes.length - 9), "entry " + i);
        }
    }

    @Test
    void entriesWrittenTodayHaveTheV1Shape() throws IOException {
        // A v1 reader refuses unknown fields, so a new field or a renamed one here breaks a rolling upgrade.
        List<Entry> log = CompatFixtures.log();
        for (int i = 1; i <= ENTRIES; i++) {
            byte[] today = EntryCodec.encode(log.get(i - 1));
            byte[] v1 = v1(i);
            assertEquals(v1[0], today[0], "version of entry " + i);
            assertEquals(Json.mapper().readTree(v1, 9, v1.length - 9), Json.mapper().readTree(today, 9, today.length - 9),
                    "entry " + i);
        }
    }
}
