package io.muster.store.catalog;

import static io.muster.store.compat.CompatFixtures.LOG_DIR;
import static io.muster.store.compat.CompatFixtures.SNAPSHOT;
import static io.muster.store.compat.CompatFixtures.SNAPSHOT_READABLE;
import static io.muster.store.compat.CompatFixtures.T0;
import static io.muster.store.compat.CompatFixtures.gunzip;
import static io.muster.store.compat.CompatFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.Fixtures;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.Json;
import io.muster.store.model.Member;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Snapshots written by version 1 must stay readable: a node restarted after an upgrade loads its last snapshot,
 * and an operator restores old backups. The expected state is spelled out by hand, not computed.
 */
class SnapshotFormatCompatibilityTest {

    private static Catalog loadV1() {
        Catalog catalog = new Catalog();
        catalog.load(SnapshotFormat.read(resource(SNAPSHOT)));
        return catalog;
    }

    private static Instance instance(Catalog catalog, String service, String id) {
        return catalog.service(service).orElseThrow().instances().get(id);
    }

    @Test
    void v1SnapshotLoadsToTheExpectedState() {
        Catalog c = loadV1();

        assertEquals(6, c.appliedIndex());
        assertEquals(4, c.changeIndex());
        // "gone" was kept empty by v1; it is dropped on load, its index kept as the removal watermark.
        assertEquals(List.of("cache", "db", "web"), c.services().stream().map(ServiceEntry::name).sorted().toList());
        assertEquals(3, c.service("cache").orElseThrow().index());
        assertEquals(4, c.service("db").orElseThrow().index());
        assertEquals(4, c.service("web").orElseThrow().index());
        assertEquals(4, c.indexOf("gone"));
        assertTrue(c.service("gone").isEmpty());
        assertEquals(Map.of("web/web-1", T0 + 3_500), c.renewals());
        assertEquals(Map.of(
                "n1", new Member("n1", "127.0.0.1:8700", "127.0.0.1:8753"),
                "n2", new Member("n2", "127.0.0.1:8710", "127.0.0.1:8763")), c.members());
        assertEquals("false", c.option("selfPreservation").orElseThrow());
    }

    @Test
    void v1SnapshotInstancesKeepEveryField() {
        Catalog c = loadV1();

        Instance web1 = instance(c, "web", "web-1");
        assertEquals("10.0.0.1", web1.address());
        assertEquals(8080, web1.port());
        assertEquals(List.of("primary", "eu"), web1.tags());
        assertEquals(Map.of("version", "2.1.0", "zone", "eu-1"), web1.metadata());
        assertEquals(10, web1.weight());
        assertEquals(new Check.Ttl(Duration.ofSeconds(10), Duration.ofMinutes(5)), web1.check());
        assertEquals(Status.PASSING, web1.status());
        assertEquals("", web1.note());
        assertEquals(T0, web1.registeredAt());
        assertEquals(T0, web1.statusSince());

        Instance web2 = instance(c, "web", "web-2");
        assertEquals(new Check.Http("http://10.0.0.2:80/health", Duration.ofSeconds(5), Duration.ofMillis(1500), null), web2.check());
        assertEquals(Status.PASSING, web2.status());
        assertEquals("HTTP 200", web2.note());
        assertEquals(T0 + 3_000, web2.statusSince());

        Instance db1 = instance(c, "db", "db-1");
        assertEquals("db.internal", db1.address());
        assertEquals(new Check.Tcp("db.internal:5432", Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofHours(1)), db1.check());
        assertEquals(Status.WARNING, db1.status());
        assertEquals("slow connect", db1.note());
        assertEquals(T0, db1.registeredAt());
        assertEquals(T0 + 3_000, db1.statusSince());

        Instance cache1 = instance(c, "cache", "cache-1");
        assertEquals("::1", cache1.address());
        assertNull(cache1.check());
        assertEquals(T0 + 2_000, cache1.registeredAt());
    }

    @Test
    void replayingTheV1LogGivesExactlyTheV1Snapshot() {
        // Today's apply must reach the state v1 reached from the same log, or a replaying node diverges.
        Catalog replayed = new Catalog();
        List<Result.Code> last = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            last.clear();
            replayed.apply(i, EntryCodec.decode(resource(LOG_DIR + "entry-" + i + ".bin"))).forEach(r -> last.add(r.code()));
        }

        assertEquals(List.of(Result.Code.INVALID), last, "the fixture's restore of garbage is refused");
        assertEquals(withoutEmptyServices(SnapshotFormat.read(resource(SNAPSHOT))), replayed.export());
    }

    @Test
    void snapshotWrittenTodayHasTheV1Shape() throws IOException {
        byte[] today = SnapshotFormat.toBytes(loadV1().export());

        byte[] expected = SnapshotFormat.toBytes(withoutEmptyServices(SnapshotFormat.read(resource(SNAPSHOT))));
        assertEquals(Json.mapper().readTree(gunzip(expected)), Json.mapper().readTree(gunzip(today)));
    }

    /**
     * What v1's state is today: v1 kept services whose last instance left as empty entries; they are dropped and
     * the highest such index kept in the options' removal slot, a map old readers accept (rolling upgrades).
     */
    static SnapshotData withoutEmptyServices(SnapshotData v1) {
        long removed = v1.services().stream().filter(s -> s.instances().isEmpty()).mapToLong(SnapshotData.ServiceData::index).max().orElse(0);
        java.util.TreeMap<String, String> options = new java.util.TreeMap<>(v1.options());
        if (removed > 0) {
            options.put(Catalog.REMOVED_INDEX_SLOT, Long.toString(removed));
        }
        return new SnapshotData(v1.format(), v1.version(), v1.appliedIndex(), v1.changeIndex(),
                v1.services().stream().filter(s -> !s.instances().isEmpty()).toList(), v1.renewals(), v1.members(), options, v1.graceFrom(), v1.acl());
    }

    @Test
    void readableCopyIsTheSameSnapshot() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(resource(SNAPSHOT_READABLE));
        }

        assertEquals(SnapshotFormat.read(resource(SNAPSHOT)), SnapshotFormat.read(gz.toByteArray()));
    }

    @Test
    void v1SnapshotRestoresThroughTheLog() {
        Catalog catalog = new Catalog();
        catalog.apply(1, new Entry(T0, List.of(new Command.Register("old", "o-1", Fixtures.ttlSpec("10.1.1.1", 1)))));

        List<Result> results = catalog.apply(2, new Entry(T0 + 10_000, List.of(new Command.Restore(resource(SNAPSHOT)))));

        assertEquals(Result.Code.OK, results.get(0).code());
        assertEquals(Status.WARNING, instance(catalog, "db", "db-1").status());
        assertEquals(2, catalog.service("web").orElseThrow().index());
        assertTrue(catalog.service("old").isEmpty());
        assertEquals(2, catalog.indexOf("old"));
    }
}
