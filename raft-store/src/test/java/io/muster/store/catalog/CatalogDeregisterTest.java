package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.serviceIndex;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.model.ServiceEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deregister: removal, NOT_FOUND, removal conditional on an incarnation, and the empty service it leaves. */
class CatalogDeregisterTest {
    private final Log log = new Log();
    private final Catalog catalog = log.catalog();

    @Test
    void deregisterRemovesTheInstanceAndItsRenewal() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Register("web", "web-2", ttlSpec("10.0.0.2", 8080)));

        assertEquals(Result.Code.OK, log.one(T0 + 1, new Command.Deregister("web", "web-1")));

        assertEquals(List.of("web-2"), List.copyOf(catalog.service("web").orElseThrow().instances().keySet()));
        assertEquals(Map.of("web/web-2", T0), catalog.renewals());
        assertEquals(3, serviceIndex(catalog, "web"));
        assertEquals(3, catalog.changeIndex());
    }

    @Test
    void deregisterUnknownInstanceIsNotFoundAndMovesNoIndex() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        assertEquals(Result.Code.NOT_FOUND, log.one(T0, new Command.Deregister("web", "nope")));
        assertEquals(Result.Code.NOT_FOUND, log.one(T0, new Command.Deregister("nosuch", "web-1")));

        assertEquals(1, serviceIndex(catalog, "web"));
        assertEquals(1, catalog.changeIndex());
        assertEquals(3, catalog.appliedIndex());
        assertTrue(catalog.service("nosuch").isEmpty(), "a failed deregister creates no service");
    }

    @Test
    void deregisterTwiceIsNotFoundTheSecondTime() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        List<Result> results = log.apply(T0, new Command.Deregister("web", "web-1"), new Command.Deregister("web", "web-1"));

        assertEquals(Result.Code.OK, results.get(0).code());
        assertEquals(Result.Code.NOT_FOUND, results.get(1).code());
    }

    @Test
    void conditionalDeregisterRemovesTheMatchingIncarnation() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        assertEquals(Result.Code.OK, log.one(T0 + 1, new Command.Deregister("web", "web-1", T0)));

        assertTrue(catalog.service("web").isEmpty());
    }

    @Test
    void conditionalDeregisterOfAnOlderIncarnationSparesTheNewOne() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0 + 1, new Command.Deregister("web", "web-1"));
        log.one(T0 + 2, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        // The expiry of the first incarnation was decided before the re-registration and arrives after it.
        assertEquals(Result.Code.NOT_FOUND, log.one(T0 + 3, new Command.Deregister("web", "web-1", T0)));

        assertEquals(T0 + 2, catalog.service("web").orElseThrow().instances().get("web-1").registeredAt());
        assertEquals(3, serviceIndex(catalog, "web"));
        assertEquals(3, catalog.changeIndex());
    }

    @Test
    void lastInstanceLeavingRemovesTheServiceAndItsIndexStaysAtTheRemoval() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        log.one(T0, new Command.Deregister("web", "web-1"));

        // Gone, so made-up names cannot pile up; its index (the removal's) does not fall back (design rule 3).
        assertTrue(catalog.service("web").isEmpty());
        assertTrue(catalog.services().isEmpty());
        assertEquals(2, catalog.indexOf("web"));
        assertEquals(0, catalog.instanceCount());
    }

    @Test
    void emptyServiceIndexStaysPutUntilItChangesAgain() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Deregister("web", "web-1"));
        log.one(T0, new Command.Register("db", "db-1", ttlSpec("10.0.0.2", 5432)));
        assertEquals(2, serviceIndex(catalog, "web"), "registering another service moves no removed one's index");

        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        assertEquals(4, serviceIndex(catalog, "web"));
    }

    @Test
    void registerAndDeregisterInOneEntryOfANewServiceLeavesNoTrace() {
        log.apply(T0, new Command.Register("tmp", "x", ttlSpec("10.0.0.1", 1)), new Command.Deregister("tmp", "x"));

        assertFalse(catalog.service("tmp").isPresent());
        assertEquals(0, catalog.changeIndex());
        assertEquals(Map.of(), catalog.renewals());
    }
}
