package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.serviceIndex;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule 3: indexes only move forward and only when a read's answer would change. Listeners hear exactly the
 * services an entry changed, so one change wakes only the waiters of those services (rule 10).
 */
class CatalogIndexTest {
    private final Log log = new Log();
    private final Catalog catalog = log.catalog();
    private final List<String> heard = new ArrayList<>();

    @BeforeEach
    void listen() {
        catalog.addListener(c -> heard.add(c.index() + " " + new java.util.TreeSet<>(c.services())));
    }

    @Test
    void perServiceIndexIsTheLastEntryThatChangedThatService() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Register("db", "db-1", ttlSpec("10.0.0.2", 5432)));
        log.one(T0, new Command.Register("db", "db-2", ttlSpec("10.0.0.3", 5432)));

        assertEquals(1, serviceIndex(catalog, "web"));
        assertEquals(3, serviceIndex(catalog, "db"));
        assertEquals(3, catalog.changeIndex());
    }

    @Test
    void changeNamesExactlyTheInstancesThatDiffer() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Register("web", "web-2", ttlSpec("10.0.0.2", 8080)));
        long registeredAt = catalog.service("web").orElseThrow().instances().get("web-2").registeredAt();
        List<CatalogChange> changes = new ArrayList<>();
        catalog.addListener(changes::add);

        log.apply(T0 + 1_000,
                new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)),
                new Command.SetStatus("web", "web-2", registeredAt, Status.WARNING, "slow"),
                new Command.Register("web", "web-3", ttlSpec("10.0.0.3", 8080)),
                new Command.Register("web", "gone", ttlSpec("10.0.0.4", 8080)),
                new Command.Deregister("web", "gone"),
                new Command.Register("db", "passing-through", ttlSpec("10.0.0.5", 5432)),
                new Command.Deregister("db", "passing-through"));

        assertEquals(1, changes.size());
        CatalogChange c = changes.get(0);
        assertEquals(Map.of("web", Set.of("web-2", "web-3")), c.instances());
        assertFalse(c.everything());
        assertTrue(catalog.service("db").isEmpty(), "a service that came and went within one entry never appears");
    }

    @Test
    void checkpointMovesNoIndexAndWakesNoListener() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        heard.clear();

        log.one(T0 + 5_000, new Command.Checkpoint(Map.of("web/web-1", T0 + 4_000)));

        assertEquals(1, catalog.changeIndex());
        assertEquals(1, serviceIndex(catalog, "web"));
        assertEquals(2, catalog.appliedIndex());
        assertEquals(List.of(), heard);
        assertEquals(Map.of("web/web-1", T0 + 4_000), catalog.renewals());
    }

    @Test
    void checkpointNeverMovesARenewalBackwards() {
        log.one(T0 + 10_000, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        // Batched by an earlier leader, applied after a later renewal was recorded.
        log.one(T0 + 20_000, new Command.Checkpoint(Map.of("web/web-1", T0 + 3_000)));

        assertEquals(Map.of("web/web-1", T0 + 10_000), catalog.renewals());
    }

    @Test
    void checkpointOfAnInstanceThatAlreadyLeftRecordsNothing() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0 + 1_000, new Command.Deregister("web", "web-1"));

        // The leader batched this renewal before the instance left; a key nothing will ever remove must not stay.
        log.one(T0 + 2_000, new Command.Checkpoint(Map.of("web/web-1", T0 + 900, "nosuch/x", T0 + 900)));

        assertEquals(Map.of(), catalog.renewals());
        assertTrue(catalog.export().renewals().isEmpty());
    }

    @Test
    void publishMemberIsRecordedWithoutMovingTheChangeIndex() {
        log.one(T0, new Command.PublishMember(new Member("n1", "127.0.0.1:8700", "127.0.0.1:8753")));
        log.one(T0, new Command.PublishMember(new Member("n2", "127.0.0.1:8710", "127.0.0.1:8763")));
        log.one(T0, new Command.PublishMember(new Member("n1", "127.0.0.1:9700", "127.0.0.1:9753")));

        assertEquals(Map.of(
                "n1", new Member("n1", "127.0.0.1:9700", "127.0.0.1:9753"),
                "n2", new Member("n2", "127.0.0.1:8710", "127.0.0.1:8763")), catalog.members());
        assertEquals(0, catalog.changeIndex());
        assertEquals(3, catalog.appliedIndex());
        assertEquals(List.of(), heard);
    }

    @Test
    void setOptionIsRecordedAndTheLastValueWins() {
        assertTrue(catalog.option("selfPreservation").isEmpty());

        log.one(T0, new Command.SetOption("selfPreservation", "false"));
        log.one(T0, new Command.SetOption("selfPreservation", "true"));

        assertEquals("true", catalog.option("selfPreservation").orElseThrow());
        assertEquals(0, catalog.changeIndex());
        assertEquals(List.of(), heard);
    }

    @Test
    void listenerHearsExactlyTheServicesAnEntryChanged() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Register("db", "db-1", ttlSpec("10.0.0.2", 5432)));
        log.one(T0, new Command.Register("cache", "c-1", ttlSpec("10.0.0.3", 6379)));
        heard.clear();

        log.apply(T0 + 1_000,
                new Command.SetStatus("web", "web-1", T0, Status.CRITICAL, "down"),
                new Command.Register("db", "db-1", ttlSpec("10.0.0.2", 5432)),      // identical: no change
                new Command.SetStatus("cache", "c-1", T0, Status.PASSING, ""),      // same: no change
                new Command.Deregister("queue", "q-1"),                              // absent: no change
                new Command.Register("mail", "m-1", ttlSpec("10.0.0.4", 25)));

        assertEquals(List.of("4 [mail, web]"), heard);
        assertEquals(4, serviceIndex(catalog, "web"));
        assertEquals(4, serviceIndex(catalog, "mail"));
        assertEquals(2, serviceIndex(catalog, "db"));
        assertEquals(3, serviceIndex(catalog, "cache"));
    }

    @Test
    void entryThatChangesNothingWakesNoListener() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        heard.clear();

        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Deregister("web", "nope"));
        log.skip();

        assertEquals(List.of(), heard);
        assertEquals(1, catalog.changeIndex());
        assertEquals(4, catalog.appliedIndex());
    }

    @Test
    void listenerIsToldTheIndexOfTheChange() {
        log.skip();
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        assertEquals(List.of("2 [web]"), heard);
    }

    @Test
    void indexesNeverMoveBackwards() {
        long lastChange = 0;
        long lastApplied = 0;
        for (int i = 0; i < 40; i++) {
            String id = "i-" + (i % 5);
            if (i % 3 == 0) {
                log.one(T0 + i, new Command.Deregister("web", id));
            } else {
                log.one(T0 + i, new Command.Register("web", id, ttlSpec("10.0.0." + (i % 4), 8080)));
            }
            assertTrue(catalog.changeIndex() >= lastChange);
            assertTrue(catalog.appliedIndex() > lastApplied);
            lastChange = catalog.changeIndex();
            lastApplied = catalog.appliedIndex();
        }
        assertEquals(Set.of(), Set.copyOf(heard.stream().filter(h -> !h.endsWith("[web]")).toList()));
    }
}
