package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.instance;
import static io.muster.store.Fixtures.serviceIndex;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Restore (a replicated backup restore) and load (a Raft snapshot install or restart). */
class CatalogRestoreTest {
    private final Log log = new Log();
    private final Catalog catalog = log.catalog();

    private static byte[] backup() {
        Log source = new Log();
        source.one(T0, new Command.Register("web", "web-9", ttlSpec("10.9.9.9", 9999)));
        source.one(T0 + 1, new Command.SetStatus("web", "web-9", T0, Status.WARNING, "restored"));
        source.one(T0 + 2, new Command.Register("api", "api-1", ttlSpec("10.9.9.8", 443)));
        source.one(T0 + 3, new Command.PublishMember(new Member("old", "10.0.0.1:8700", "10.0.0.1:8753")));
        return SnapshotFormat.toBytes(source.catalog().export());
    }

    private void fillCurrent() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Register("db", "db-1", ttlSpec("10.0.0.2", 5432)));
        log.one(T0, new Command.PublishMember(new Member("n1", "127.0.0.1:8700", "127.0.0.1:8753")));
    }

    @Test
    void restoreReplacesEveryServiceAndRenewalAtTheRestoreIndex() {
        fillCurrent();

        assertEquals(Result.Code.OK, log.one(T0 + 100, new Command.Restore(backup())));

        assertEquals(List.of("web-9"), List.copyOf(catalog.service("web").orElseThrow().instances().keySet()));
        assertEquals(Status.WARNING, instance(catalog, "web", "web-9").status());
        assertEquals("restored", instance(catalog, "web", "web-9").note());
        assertEquals(T0, instance(catalog, "web", "web-9").registeredAt());
        assertEquals(4, serviceIndex(catalog, "web"));
        assertEquals(4, serviceIndex(catalog, "api"));
        assertEquals(4, catalog.changeIndex());
        assertEquals(Map.of("web/web-9", T0, "api/api-1", T0 + 2), catalog.renewals());
    }

    @Test
    void restoreKeepsTheRunningClustersMembers() {
        fillCurrent();

        log.one(T0 + 100, new Command.Restore(backup()));

        assertEquals(Map.of("n1", new Member("n1", "127.0.0.1:8700", "127.0.0.1:8753")), catalog.members());
    }

    @Test
    void serviceMissingFromTheBackupIsRemovedAndAnswersTheRestoreIndex() {
        fillCurrent();
        List<String> heard = new ArrayList<>();
        catalog.addListener(c -> heard.add(c.index() + " " + new TreeSet<>(c.services()) + (c.everything() ? " everything" : "")));

        log.one(T0 + 100, new Command.Restore(backup()));

        // A blocking reader of "db" waits for an index above 2; it must be woken, and must not see 0.
        assertTrue(catalog.service("db").isEmpty());
        assertEquals(4, serviceIndex(catalog, "db"));
        assertEquals(List.of("4 [api, db, web] everything"), heard);
    }

    @Test
    void corruptRestoreIsInvalidAndChangesNothing() {
        fillCurrent();
        SnapshotData before = catalog.export();
        List<String> heard = new ArrayList<>();
        catalog.addListener(c -> heard.add(c.index() + " " + c.services()));
        byte[] good = backup();

        for (byte[] bad : List.of(new byte[0], "not a snapshot".getBytes(), Arrays.copyOf(good, good.length / 2))) {
            assertEquals(Result.Code.INVALID, log.one(T0 + 100, new Command.Restore(bad)));
        }

        SnapshotData after = catalog.export();
        assertEquals(before.services(), after.services());
        assertEquals(before.renewals(), after.renewals());
        assertEquals(before.members(), after.members());
        assertEquals(before.changeIndex(), after.changeIndex());
        assertEquals(6, after.appliedIndex());
        assertEquals(List.of(), heard);
    }

    @Test
    void commandsAfterARestoreInTheSameEntryApplyToTheRestoredState() {
        fillCurrent();

        List<Result> results = log.apply(T0 + 100,
                new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)),
                new Command.Restore(backup()),
                new Command.Deregister("web", "web-9"));

        assertTrue(results.stream().allMatch(Result::ok));
        assertTrue(catalog.service("web").isEmpty());
        assertEquals(Map.of("api/api-1", T0 + 2), catalog.renewals());
    }

    @Test
    void loadReplacesEverythingIncludingIndexesMembersAndOptions() {
        fillCurrent();
        log.one(T0, new Command.SetOption("selfPreservation", "false"));
        Log source = new Log();
        source.one(T0 + 1, new Command.Register("api", "api-1", ttlSpec("10.9.9.8", 443)));
        source.one(T0 + 2, new Command.SetOption("other", "x"));
        source.skip();
        source.one(T0 + 3, new Command.PublishMember(new Member("n7", "a:1", "a:2")));
        SnapshotData snapshot = source.catalog().export();

        catalog.load(snapshot);

        assertEquals(4, catalog.appliedIndex());
        assertEquals(1, catalog.changeIndex());
        assertEquals(List.of("api"), catalog.services().stream().map(s -> s.name()).toList());
        assertEquals(1, serviceIndex(catalog, "api"));
        assertEquals(Map.of("api/api-1", T0 + 1), catalog.renewals());
        assertEquals(Map.of("n7", new Member("n7", "a:1", "a:2")), catalog.members());
        assertTrue(catalog.option("selfPreservation").isEmpty());
        assertEquals("x", catalog.option("other").orElseThrow());
    }

    @Test
    void loadedCatalogExportsExactlyTheSnapshotItLoaded() {
        fillCurrent();
        log.one(T0 + 5, new Command.SetStatus("web", "web-1", T0, Status.CRITICAL, "x"));
        log.one(T0 + 6, new Command.SetOption("selfPreservation", "false"));
        byte[] written = SnapshotFormat.toBytes(catalog.export());

        Catalog restarted = new Catalog();
        restarted.load(SnapshotFormat.read(written));

        assertEquals(catalog.export(), restarted.export());
        assertArrayEquals(written, SnapshotFormat.toBytes(restarted.export()));
    }

    @Test
    void loadTellsListenersAboutEveryService() {
        Log source = new Log();
        source.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        source.one(T0, new Command.Register("db", "db-1", ttlSpec("10.0.0.2", 5432)));
        List<String> heard = new ArrayList<>();
        catalog.addListener(c -> heard.add(c.index() + " " + new TreeSet<>(c.services())));

        catalog.load(source.catalog().export());

        assertEquals(List.of("2 [db, web]"), heard);
    }
}
