package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.httpSpec;
import static io.muster.store.Fixtures.instance;
import static io.muster.store.Fixtures.serviceIndex;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SetStatus: health transitions pinned to one incarnation, statusSince, and no-op repeats. */
class CatalogStatusTest {
    private final Log log = new Log();
    private final Catalog catalog = log.catalog();

    @BeforeEach
    void registerOneTtlInstance() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
    }

    @Test
    void statusChangeSetsStatusNoteAndStatusSinceFromEntryTime() {
        assertEquals(Result.Code.OK, log.one(T0 + 7_000, new Command.SetStatus("web", "web-1", T0, Status.CRITICAL, "TTL expired")));

        Instance i = instance(catalog, "web", "web-1");
        assertEquals(Status.CRITICAL, i.status());
        assertEquals("TTL expired", i.note());
        assertEquals(T0 + 7_000, i.statusSince());
        assertEquals(T0, i.registeredAt());
        assertEquals(2, serviceIndex(catalog, "web"));
        assertEquals(2, catalog.changeIndex());
    }

    @Test
    void sameStatusAndNoteIsANoOpThatMovesNoIndex() {
        log.one(T0 + 1_000, new Command.SetStatus("web", "web-1", T0, Status.WARNING, "slow"));
        ServiceEntry before = catalog.service("web").orElseThrow();

        assertEquals(Result.Code.OK, log.one(T0 + 9_000, new Command.SetStatus("web", "web-1", T0, Status.WARNING, "slow")));

        assertSame(before, catalog.service("web").orElseThrow());
        assertEquals(2, catalog.changeIndex());
        assertEquals(T0 + 1_000, instance(catalog, "web", "web-1").statusSince());
    }

    @Test
    void passingAgainWithoutNoteOnAPassingInstanceIsANoOp() {
        assertEquals(Result.Code.OK, log.one(T0 + 1_000, new Command.SetStatus("web", "web-1", T0, Status.PASSING, null)));

        assertEquals(1, catalog.changeIndex());
        assertEquals("", instance(catalog, "web", "web-1").note());
    }

    @Test
    void noteChangeAloneMovesIndexButKeepsStatusSince() {
        log.one(T0 + 1_000, new Command.SetStatus("web", "web-1", T0, Status.WARNING, "slow"));

        log.one(T0 + 2_000, new Command.SetStatus("web", "web-1", T0, Status.WARNING, "slower"));

        Instance i = instance(catalog, "web", "web-1");
        assertEquals("slower", i.note());
        assertEquals(T0 + 1_000, i.statusSince());
        assertEquals(3, serviceIndex(catalog, "web"));
    }

    @Test
    void statusSinceMovesOnEveryStatusTransition() {
        log.one(T0 + 1_000, new Command.SetStatus("web", "web-1", T0, Status.CRITICAL, "down"));
        log.one(T0 + 2_000, new Command.SetStatus("web", "web-1", T0, Status.PASSING, ""));

        Instance i = instance(catalog, "web", "web-1");
        assertEquals(Status.PASSING, i.status());
        assertEquals(T0 + 2_000, i.statusSince());
    }

    @Test
    void staleIncarnationIsNotFoundAndChangesNothing() {
        log.one(T0 + 1_000, new Command.Deregister("web", "web-1"));
        log.one(T0 + 2_000, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        ServiceEntry before = catalog.service("web").orElseThrow();

        // Decided against the first incarnation (registeredAt T0), applied after the second registered.
        assertEquals(Result.Code.NOT_FOUND, log.one(T0 + 3_000, new Command.SetStatus("web", "web-1", T0, Status.CRITICAL, "TTL expired")));

        assertSame(before, catalog.service("web").orElseThrow());
        assertEquals(Status.PASSING, instance(catalog, "web", "web-1").status());
        assertEquals(3, catalog.changeIndex());
    }

    @Test
    void unknownInstanceOrServiceIsNotFound() {
        assertEquals(Result.Code.NOT_FOUND, log.one(T0, new Command.SetStatus("web", "nope", T0, Status.CRITICAL, "")));
        assertEquals(Result.Code.NOT_FOUND, log.one(T0, new Command.SetStatus("nosuch", "web-1", T0, Status.CRITICAL, "")));

        assertEquals(1, catalog.changeIndex());
        assertEquals(3, catalog.appliedIndex());
    }

    @Test
    void statusOfAnInstanceRegisteredEarlierInTheSameEntryApplies() {
        log.apply(T0 + 5_000,
                new Command.Register("web", "h", httpSpec("10.0.0.2", 80)),
                new Command.SetStatus("web", "h", T0 + 5_000, Status.PASSING, "HTTP 200"));

        Instance h = instance(catalog, "web", "h");
        assertEquals(Status.PASSING, h.status());
        assertEquals("HTTP 200", h.note());
        assertEquals(2, serviceIndex(catalog, "web"));
    }
}
