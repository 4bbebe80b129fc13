package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.Fixtures.Log;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quotas are decided at apply from the bounds the entry carries, so every member refuses the same writes whatever
 * its own flags; a refused write changes nothing, and only a registration that adds an instance can be refused.
 */
class CatalogQuotaTest {
    private final Log log = new Log();
    private final Catalog catalog = log.catalog();

    private static Command.Register reg(String service, String id, Command.Quota q) {
        return new Command.Register(service, id, ttlSpec("10.0.0.1", 8080), q);
    }

    @Test
    void perServiceQuotaRefusesTheInstanceBeyondIt() {
        Command.Quota q = new Command.Quota(0, 0, 2);
        log.one(T0, reg("web", "a", q));
        log.one(T0, reg("web", "b", q));
        long index = catalog.changeIndex();

        assertEquals(Result.Code.QUOTA_INSTANCES_PER_SERVICE, log.one(T0, reg("web", "c", q)));

        assertEquals(2, catalog.service("web").orElseThrow().instances().size());
        assertEquals(index, catalog.changeIndex(), "a refused write moves no index");
        assertEquals(Result.Code.OK, log.one(T0, reg("db", "c", q)), "another service has room");
    }

    @Test
    void replacingAnInstanceIsNeverRefused() {
        Command.Quota q = new Command.Quota(1, 1, 1);
        log.one(T0, reg("web", "a", q));

        Command.Register changed = new Command.Register("web", "a", ttlSpec("10.0.0.2", 9090), q);
        assertEquals(Result.Code.OK, log.one(T0, changed));
        assertEquals(9090, catalog.instance("web", "a").orElseThrow().port());
    }

    @Test
    void totalInstanceQuotaCountsEveryService() {
        Command.Quota q = new Command.Quota(0, 3, 0);
        log.one(T0, reg("a", "1", q));
        log.one(T0, reg("b", "1", q));
        log.one(T0, reg("c", "1", q));

        assertEquals(Result.Code.QUOTA_INSTANCES, log.one(T0, reg("d", "1", q)));
        assertEquals(3, catalog.instanceCount());

        log.one(T0, new Command.Deregister("a", "1"));
        assertEquals(Result.Code.OK, log.one(T0, reg("d", "1", q)), "a removal makes room");
    }

    @Test
    void serviceQuotaRefusesANewServiceButNotANewInstanceOfAnExistingOne() {
        Command.Quota q = new Command.Quota(2, 0, 0);
        log.one(T0, reg("a", "1", q));
        log.one(T0, reg("b", "1", q));

        assertEquals(Result.Code.QUOTA_SERVICES, log.one(T0, reg("c", "1", q)));
        assertEquals(Result.Code.OK, log.one(T0, reg("a", "2", q)));
        assertTrue(catalog.service("c").isEmpty());
    }

    @Test
    void withinOneEntryEarlierCommandsCount() {
        Command.Quota q = new Command.Quota(2, 0, 0);

        List<Result> results = log.apply(T0, reg("a", "1", q), reg("b", "1", q), reg("c", "1", q),
                new Command.Deregister("a", "1"), reg("c", "1", q));

        assertEquals(List.of(Result.Code.OK, Result.Code.OK, Result.Code.QUOTA_SERVICES, Result.Code.OK, Result.Code.OK),
                results.stream().map(Result::code).toList());
        assertEquals(List.of("b", "c"), catalog.services().stream().map(e -> e.name()).sorted().toList());
    }

    @Test
    void sameEntryGivesTheSameResultsOnEveryMember() {
        Command.Quota q = new Command.Quota(1, 0, 1);
        Log other = new Log();
        for (Log l : List.of(log, other)) {
            l.apply(T0, reg("a", "1", q), reg("a", "2", q), reg("b", "1", q));
        }
        assertEquals(catalog.export(), other.catalog().export());
    }

    @Test
    void noQuotaIsUnbounded() {
        for (int i = 0; i < 50; i++) {
            assertEquals(Result.Code.OK, log.one(T0, new Command.Register("s" + i, "x", ttlSpec("10.0.0.1", 1))));
        }
        assertEquals(50, catalog.services().size());
    }
}
