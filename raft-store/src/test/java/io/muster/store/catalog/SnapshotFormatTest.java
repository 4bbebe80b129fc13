package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.httpSpec;
import static io.muster.store.Fixtures.tcpSpec;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import io.muster.store.model.Json;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The snapshot file: gzip-compressed JSON, named and versioned, shared by Raft snapshots and backups. */
class SnapshotFormatTest {

    private static SnapshotData sample() {
        Log log = new Log();
        log.apply(T0,
                new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)),
                new Command.Register("web", "web-2", httpSpec("10.0.0.2", 80)),
                new Command.Register("db", "db-1", tcpSpec("db.internal", 5432)));
        log.one(T0 + 1, new Command.SetStatus("web", "web-2", T0, Status.WARNING, "HTTP 429"));
        log.one(T0 + 2, new Command.Register("gone", "g", ttlSpec("10.0.0.9", 1)));
        log.one(T0 + 3, new Command.Deregister("gone", "g"));
        log.one(T0 + 4, new Command.PublishMember(new Member("n1", "127.0.0.1:8700", "127.0.0.1:8753")));
        log.one(T0 + 5, new Command.SetOption("selfPreservation", "false"));
        return log.catalog().export();
    }

    private static byte[] gzip(String json) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static ObjectNode json(byte[] snapshot) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(snapshot))) {
            return (ObjectNode) Json.mapper().readTree(in);
        }
    }

    private static String messageOfRefused(byte[] bytes) {
        return assertThrows(IllegalArgumentException.class, () -> SnapshotFormat.read(bytes)).getMessage();
    }

    @Test
    void roundTripKeepsEverything() {
        SnapshotData data = sample();

        SnapshotData read = SnapshotFormat.read(SnapshotFormat.toBytes(data));

        assertEquals(data, read);
        assertEquals(6, read.appliedIndex());
        assertEquals(4, read.changeIndex());
        assertEquals(List.of("db", "web"), read.services().stream().map(SnapshotData.ServiceData::name).toList());
        assertEquals(String.valueOf(4), read.options().get(Catalog.REMOVED_INDEX_SLOT), "an emptied service leaves its index as the watermark");
    }

    @Test
    void streamAndByteReadersAgree() throws IOException {
        byte[] bytes = SnapshotFormat.toBytes(sample());

        assertEquals(SnapshotFormat.read(bytes), SnapshotFormat.read(new ByteArrayInputStream(bytes)));
    }

    @Test
    void fileIsGzipWithFormatNameAndVersionUpFront() throws IOException {
        byte[] bytes = SnapshotFormat.toBytes(sample());

        assertEquals(0x1f, bytes[0] & 0xff);
        assertEquals(0x8b, bytes[1] & 0xff);
        ObjectNode json = json(bytes);
        assertEquals("muster-snapshot", json.get("format").asText());
        assertEquals(1, json.get("version").asInt());
        var names = json.fieldNames();
        assertEquals(List.of("format", "version"), List.of(names.next(), names.next()));
    }

    @Test
    void wrongFormatNameIsRefused() throws IOException {
        ObjectNode json = json(SnapshotFormat.toBytes(sample()));
        json.put("format", "etcd-snapshot");

        assertTrue(messageOfRefused(gzip(json.toString())).contains("not a Muster snapshot"));
    }

    @Test
    void unknownVersionIsRefusedNamingBothVersions() throws IOException {
        ObjectNode json = json(SnapshotFormat.toBytes(sample()));
        json.put("version", 3);

        String message = messageOfRefused(gzip(json.toString()));

        assertTrue(message.contains("version 3") && message.contains("reads 1 to 2"), message);
    }

    @Test
    void missingSectionsAreRefused() throws IOException {
        for (String field : List.of("services", "renewals", "members")) {
            ObjectNode json = json(SnapshotFormat.toBytes(sample()));
            json.remove(field);
            assertTrue(messageOfRefused(gzip(json.toString())).contains("incomplete"), field);
        }
    }

    @Test
    void nullsWhereApplyNeedsValuesAreRefused() throws IOException {
        String good = json(SnapshotFormat.toBytes(sample())).toString();
        List<String> broken = List.of(
                good.replaceFirst("\"services\":\\[", "\"services\":[null,"),
                good.replaceFirst("\"name\":\"db\"", "\"name\":null"),
                good.replaceFirst("\"instances\":\\{\"db-1\":\\{.*?\"statusSince\":\\d+}}", "\"instances\":null"),
                good.replaceFirst("\"instances\":\\{\"db-1\":", "\"instances\":{\"db-0\":null,\"db-1\":"),
                good.replaceFirst("\"status\":\"critical\"", "\"status\":null"),
                good.replaceFirst("\"renewals\":\\{", "\"renewals\":{\"web/x\":null,"),
                good.replaceFirst("\"members\":\\[", "\"members\":[null,"),
                good.replaceFirst("\"options\":\\{", "\"options\":{\"x\":null,"));
        for (String json : broken) {
            assertTrue(!json.equals(good), "fixture edit did not apply: " + json);
            assertTrue(messageOfRefused(gzip(json)).contains("incomplete"), json);
        }
    }

    @Test
    void unknownFieldIsRefused() throws IOException {
        ObjectNode json = json(SnapshotFormat.toBytes(sample()));
        json.put("surprise", true);

        assertTrue(messageOfRefused(gzip(json.toString())).contains("not a readable Muster snapshot"));
    }

    @Test
    void truncatedGzipIsRefused() {
        byte[] bytes = SnapshotFormat.toBytes(sample());

        for (int length : new int[] {0, 1, 10, bytes.length / 2, bytes.length - 1}) {
            String message = messageOfRefused(Arrays.copyOf(bytes, length));
            assertTrue(message.contains("not a readable Muster snapshot"), length + ": " + message);
        }
    }

    @Test
    void plainJsonThatIsNotGzipIsRefused() throws IOException {
        byte[] plain;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(SnapshotFormat.toBytes(sample())))) {
            plain = in.readAllBytes();
        }

        String message = messageOfRefused(plain);

        assertTrue(message.contains("not a readable Muster snapshot"), message);
    }

    @Test
    void gzippedGarbageIsRefused() throws IOException {
        for (String garbage : List.of("", "null", "[]", "{}", "{\"format\":\"muster-snapshot\"", "hello")) {
            assertThrows(IllegalArgumentException.class, () -> SnapshotFormat.read(gzip(garbage)), garbage);
        }
    }

    @Test
    void restoreOfGzippedNullIsInvalidInsteadOfBreakingApply() throws IOException {
        Log log = new Log();

        assertEquals(io.muster.store.command.Result.Code.INVALID, log.one(T0, new Command.Restore(gzip("null"))));
    }

    @Test
    void streamReaderRefusesWithIOException() {
        assertThrows(IOException.class, () -> SnapshotFormat.read(new ByteArrayInputStream("nope".getBytes())));
    }

    @Test
    void snapshotOfAnEmptyCatalogRoundTrips() {
        SnapshotData empty = new Catalog().export();

        SnapshotData read = SnapshotFormat.read(SnapshotFormat.toBytes(empty));

        assertEquals(empty, read);
        assertEquals(Map.of(), read.renewals());
    }
}
