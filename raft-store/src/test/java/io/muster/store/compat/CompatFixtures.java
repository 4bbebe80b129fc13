package io.muster.store.compat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.store.acl.Access;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.SnapshotFormat;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Json;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The version 1 log and snapshot fixtures under {@code src/test/resources/compat/}: a six-entry log touching
 * every command, and the snapshot of the catalog that log produces. The committed files were written once by
 * {@link #main}; the tests read them with today's code, so a change that breaks either format fails a test.
 *
 * <p>Never regenerate the v1 files to make a test pass: a new format version gets new files next to them
 * (and the v1 ones must still be read, or refused with a clear error, on purpose).
 */
public final class CompatFixtures {
    public static final long T0 = 1_700_000_000_000L;
    public static final String LOG_DIR = "/compat/log-v1/";
    public static final String SNAPSHOT = "/compat/snapshot-v1.gz";
    public static final String SNAPSHOT_READABLE = "/compat/snapshot-v1.json";
    public static final String LOG_READABLE = "/compat/log-v1/entries.json";
    /** Version 1 entries holding the term-bound commands added for design rule 6a (issue 15). */
    public static final String TERMS_DIR = "/compat/log-v1-terms/";
    public static final String TERMS_READABLE = "/compat/log-v1-terms/entries.json";

    public static final String LOG_V2_DIR = "/compat/log-v2/";
    public static final String LOG_V2_READABLE = "/compat/log-v2/entries.json";
    public static final String SNAPSHOT_V2 = "/compat/snapshot-v2.gz";
    public static final String SNAPSHOT_V2_READABLE = "/compat/snapshot-v2.json";
    /** A fixed secret whose SHA-256 the v2 fixtures carry (fixtures only: real secrets come from a secure random). */
    public static final String SECRET_HASH_1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    public static final String SECRET_HASH_2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
    public static final String SECRET_HASH_3 = "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13";

    private CompatFixtures() {
    }

    /** The fixture log; entry i (from 0) sits at log index i + 1. */
    public static List<Entry> log() {
        InstanceSpec web1 = new InstanceSpec("10.0.0.1", 8080, List.of("primary", "eu"),
                Map.of("version", "2.1.0", "zone", "eu-1"), 10,
                new Check.Ttl(Duration.ofSeconds(10), Duration.ofMinutes(5)));
        InstanceSpec web2 = new InstanceSpec("10.0.0.2", 80, List.of(), Map.of(), 1,
                new Check.Http("http://10.0.0.2:80/health", Duration.ofSeconds(5), Duration.ofMillis(1500), null));
        InstanceSpec db1 = new InstanceSpec("db.internal", 5432, List.of(), Map.of("role", "primary"), 5,
                new Check.Tcp("db.internal:5432", Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofHours(1)));
        InstanceSpec cache1 = new InstanceSpec("::1", 6379, List.of(), Map.of(), 1, null);
        InstanceSpec gone1 = new InstanceSpec("10.0.0.9", 9, List.of(), Map.of(), 1, new Check.Ttl(Duration.ofMillis(500), null));
        return List.of(
                new Entry(T0, List.of(
                        new Command.Register("web", "web-1", web1),
                        new Command.Register("web", "web-2", web2),
                        new Command.Register("db", "db-1", db1))),
                new Entry(T0 + 1_000, List.of(
                        new Command.PublishMember(new Member("n1", "127.0.0.1:8700", "127.0.0.1:8753")),
                        new Command.PublishMember(new Member("n2", "127.0.0.1:8710", "127.0.0.1:8763")),
                        new Command.SetOption("selfPreservation", "false"))),
                new Entry(T0 + 2_000, List.of(
                        new Command.Register("cache", "cache-1", cache1),
                        new Command.Register("gone", "g-1", gone1))),
                new Entry(T0 + 3_000, List.of(
                        new Command.SetStatus("web", "web-2", T0, Status.PASSING, "HTTP 200"),
                        new Command.SetStatus("db", "db-1", T0, Status.WARNING, "slow connect"),
                        new Command.Deregister("gone", "g-1", T0 + 2_000),
                        new Command.Deregister("web", "web-9"))),
                new Entry(T0 + 4_000, List.of(
                        new Command.Checkpoint(Map.of("web/web-1", T0 + 3_500)))),
                new Entry(T0 + 5_000, List.of(
                        new Command.Restore("not a snapshot".getBytes(StandardCharsets.US_ASCII)))));
    }

    /**
     * Entries a leader writes since term-bound lease commands (issue 15), meant to follow {@link #log()} at indexes 7
     * on, all appended in term 3: a takeover, a checkpoint of renewal ages, an expiry and a removal decided in term 3,
     * and an expiry decided in term 2 that apply must refuse.
     */
    public static List<Entry> termsLog() {
        return List.of(
                new Entry(T0 + 6_000, List.of(new Command.Takeover("n2", 3))),
                new Entry(T0 + 7_000, List.of(Command.Checkpoint.ages(Map.of("web/web-1", 250L), 3))),
                new Entry(T0 + 8_000, List.of(
                        new Command.SetStatus("web", "web-1", T0, Status.CRITICAL, "TTL expired: no heartbeat for 10.75s", 3L),
                        new Command.SetStatus("db", "db-1", T0, Status.CRITICAL, "decided by a deposed leader", 2L))),
                new Entry(T0 + 9_000, List.of(new Command.Deregister("web", "web-1", T0, 3L))));
    }

    /** The term every entry of {@link #termsLog()} was appended in. */
    public static final long TERMS_LOG_TERM = 3;

    /**
     * The version 2 fixture log: entries 7 to 11, after the v1 log, touching every ACL command, plus one v1-only
     * entry that a v2 writer must still write as version 1.
     */
    public static List<Entry> logV2() {
        Policy webRw = new Policy("web-rw", "deploys web", List.of(
                new Rule.Service("web", false, Access.WRITE),
                new Rule.Service("we", true, Access.READ),
                new Rule.Service("", true, Access.DENY),
                new Rule.Operator(Access.READ),
                new Rule.Acl(Access.DENY)));
        Policy dropped = new Policy("dropped", null, List.of(new Rule.Acl(Access.READ)));
        return List.of(
                new Entry(T0 + 6_000, List.of(
                        new Command.BootstrapAcl("00000000-0000-4000-8000-000000000001", SECRET_HASH_1, "bootstrap token"),
                        new Command.PutPolicy(webRw),
                        new Command.PutPolicy(dropped))),
                new Entry(T0 + 7_000, List.of(
                        new Command.CreateToken("00000000-0000-4000-8000-000000000002", SECRET_HASH_2, "web deployer",
                                List.of("web-rw")),
                        new Command.CreateToken("00000000-0000-4000-8000-000000000003", SECRET_HASH_3, null,
                                List.of("dropped", "web-rw")),
                        new Command.CreateToken("00000000-0000-4000-8000-000000000009", SECRET_HASH_3, "same secret",
                                List.of("web-rw")))),
                new Entry(T0 + 8_000, List.of(
                        new Command.DeletePolicy("dropped"),
                        new Command.DeletePolicy("never-existed"),
                        new Command.BootstrapAcl("00000000-0000-4000-8000-00000000000a", SECRET_HASH_2, "second bootstrap"))),
                new Entry(T0 + 9_000, List.of(
                        new Command.DeleteToken("00000000-0000-4000-8000-000000000003"),
                        new Command.DeleteToken("00000000-0000-4000-8000-000000000003"))),
                new Entry(T0 + 10_000, List.of(
                        new Command.SetOption("selfPreservation", "true"))));
    }

    /** The catalog the v1 log followed by the v2 log produces. */
    public static Catalog replayV2() {
        Catalog catalog = replay();
        List<Entry> log = logV2();
        for (int i = 0; i < log.size(); i++) {
            catalog.apply(log().size() + i + 1, log.get(i));
        }
        return catalog;
    }

    /** The catalog the fixture log produces. */
    public static Catalog replay() {
        Catalog catalog = new Catalog();
        List<Entry> log = log();
        for (int i = 0; i < log.size(); i++) {
            catalog.apply(i + 1, log.get(i));
        }
        return catalog;
    }

    public static byte[] resource(String name) {
        try (InputStream in = CompatFixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gunzip(byte[] bytes) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the version 2 fixtures into {@code args[0]} (the compat resource directory). The v1 files were written
     * once by the v1 build and are never rewritten.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("terms")) {
            writeLog(dir.resolve("log-v1-terms"), termsLog(), 1);
            return;
        }
        writeLog(dir.resolve("log-v2"), logV2(), log().size() + 1);
        byte[] snapshot = SnapshotFormat.toBytes(replayV2().export());
        Files.write(dir.resolve("snapshot-v2.gz"), snapshot);
        Files.writeString(dir.resolve("snapshot-v2.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(Json.mapper().readTree(gunzip(snapshot))) + "\n");
    }

    private static void writeLog(Path logDir, List<Entry> log, int first) throws IOException {
        Files.createDirectories(logDir);
        ArrayNode readable = Json.mapper().createArrayNode();
        for (int i = 0; i < log.size(); i++) {
            byte[] bytes = EntryCodec.encode(log.get(i));
            Files.write(logDir.resolve("entry-" + (first + i) + ".bin"), bytes);
            ObjectNode e = readable.addObject();
            e.put("index", first + i);
            e.put("version", bytes[0]);
            e.put("time", log.get(i).time());
            e.set("commands", Json.mapper().readTree(bytes, 9, bytes.length - 9));
        }
        Files.writeString(logDir.resolve("entries.json"),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(readable) + "\n");
    }
}
