package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.httpSpec;
import static io.muster.store.Fixtures.instance;
import static io.muster.store.Fixtures.noCheckSpec;
import static io.muster.store.Fixtures.serviceIndex;
import static io.muster.store.Fixtures.tcpSpec;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.model.Instance;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Register: creating, replacing and idempotently repeating an instance registration. */
class CatalogRegisterTest {
    private final Log log = new Log();
    private final Catalog catalog = log.catalog();

    @Test
    void newTtlInstanceStartsPassingWithEntryTime() {
        assertEquals(Result.Code.OK, log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080))));

        Instance i = instance(catalog, "web", "web-1");
        assertEquals(Status.PASSING, i.status());
        assertEquals("", i.note());
        assertEquals(T0, i.registeredAt());
        assertEquals(T0, i.statusSince());
        assertEquals("10.0.0.1", i.address());
        assertEquals(8080, i.port());
        assertEquals(List.of("primary"), i.tags());
        assertEquals(Map.of("version", "2.1.0"), i.metadata());
        assertEquals(10, i.weight());
    }

    @Test
    void newHttpOrTcpInstanceStartsCriticalUntilItsFirstCheckPasses() {
        log.apply(T0, new Command.Register("web", "h", httpSpec("10.0.0.1", 80)),
                new Command.Register("web", "t", tcpSpec("10.0.0.2", 81)));

        assertEquals(Status.CRITICAL, instance(catalog, "web", "h").status());
        assertEquals(Status.CRITICAL, instance(catalog, "web", "t").status());
    }

    @Test
    void instanceWithoutCheckStartsPassing() {
        log.one(T0, new Command.Register("web", "web-1", noCheckSpec("10.0.0.1", 80)));

        assertEquals(Status.PASSING, instance(catalog, "web", "web-1").status());
    }

    @Test
    void registerMovesServiceAndGlobalIndexToTheEntryIndex() {
        log.skip();
        log.skip();
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        assertEquals(3, serviceIndex(catalog, "web"));
        assertEquals(3, catalog.changeIndex());
        assertEquals(3, catalog.appliedIndex());
    }

    @Test
    void identicalReRegistrationLeavesIndexesAndTimesUnchanged() {
        InstanceSpec spec = ttlSpec("10.0.0.1", 8080);
        log.one(T0, new Command.Register("web", "web-1", spec));
        ServiceEntry before = catalog.service("web").orElseThrow();

        // An equal spec built separately, as a client re-sending the same body would produce.
        InstanceSpec same = new InstanceSpec("10.0.0.1", 8080, List.of("primary"), Map.of("version", "2.1.0"), 10, spec.check());
        assertEquals(Result.Code.OK, log.one(T0 + 5_000, new Command.Register("web", "web-1", same)));

        assertSame(before, catalog.service("web").orElseThrow(), "an unchanged service is not republished");
        assertEquals(1, catalog.changeIndex());
        assertEquals(2, catalog.appliedIndex());
        assertEquals(T0, instance(catalog, "web", "web-1").registeredAt());
    }

    @Test
    void changedSpecWithSameCheckKindKeepsIdentityAndStatus() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0 + 1_000, new Command.SetStatus("web", "web-1", T0, Status.WARNING, "slow"));

        log.one(T0 + 2_000, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 9090)));

        Instance i = instance(catalog, "web", "web-1");
        assertEquals(9090, i.port());
        assertEquals(Status.WARNING, i.status());
        assertEquals("slow", i.note());
        assertEquals(T0, i.registeredAt());
        assertEquals(T0 + 1_000, i.statusSince());
        assertEquals(3, serviceIndex(catalog, "web"));
    }

    @Test
    void changedCheckKindStartsANewIncarnation() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));

        log.one(T0 + 2_000, new Command.Register("web", "web-1", httpSpec("10.0.0.1", 8080)));

        Instance i = instance(catalog, "web", "web-1");
        assertEquals(Status.CRITICAL, i.status());
        assertEquals(T0 + 2_000, i.registeredAt());
        assertEquals(T0 + 2_000, i.statusSince());
    }

    @Test
    void replacingOneInstanceLeavesOtherServicesIndexAlone() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Register("db", "db-1", ttlSpec("10.0.0.2", 5432)));

        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8081)));

        assertEquals(3, serviceIndex(catalog, "web"));
        assertEquals(2, serviceIndex(catalog, "db"));
        assertEquals(3, catalog.changeIndex());
    }

    @Test
    void ttlRegistrationRecordsARenewalAtEntryTime() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        log.one(T0, new Command.Register("web", "web-2", httpSpec("10.0.0.2", 8080)));

        assertEquals(Map.of("web/web-1", T0), catalog.renewals());
    }

    @Test
    void severalRegistrationsInOneEntryPublishOnceAtThatIndex() {
        List<Result> results = log.apply(T0,
                new Command.Register("web", "a", ttlSpec("10.0.0.1", 1)),
                new Command.Register("web", "b", ttlSpec("10.0.0.2", 2)),
                new Command.Register("db", "c", ttlSpec("10.0.0.3", 3)));

        assertEquals(3, results.size());
        assertTrue(results.stream().allMatch(r -> r.ok() && r.index() == 1));
        assertEquals(2, catalog.service("web").orElseThrow().instances().size());
        assertEquals(1, serviceIndex(catalog, "db"));
    }

    @Test
    void publishedServiceEntryIsImmutable() {
        log.one(T0, new Command.Register("web", "web-1", ttlSpec("10.0.0.1", 8080)));
        ServiceEntry e = catalog.service("web").orElseThrow();

        assertFalse(isMutable(e));
    }

    private static boolean isMutable(ServiceEntry e) {
        try {
            e.instances().remove("web-1");
            return true;
        } catch (UnsupportedOperationException expected) {
            return false;
        }
    }
}
