package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.Result;
import io.muster.store.model.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Term-bound commands and takeover graces in the catalog (design rule 6a). */
class CatalogLeaseTermTest {
    private final Catalog catalog = new Catalog();
    private long index;

    private List<Result> apply(long term, long time, Command... commands) {
        return catalog.apply(++index, term, new Entry(time, List.of(commands)));
    }

    @Test
    void aCommandDecidedInAnotherTermIsRefusedAndChangesNothing() {
        apply(1, T0, new Command.Register("web", "w", ttlSpec("10.0.0.1", 80)));
        long changeIndex = catalog.changeIndex();

        List<Result> r = apply(2, T0 + 1_000, new Command.SetStatus("web", "w", T0, Status.CRITICAL, "stale", 1L),
                new Command.Deregister("web", "w", T0, 1L), Command.Checkpoint.ages(Map.of("web/w", 0L), 1));

        assertEquals(List.of(Result.Code.INVALID, Result.Code.INVALID, Result.Code.INVALID), r.stream().map(Result::code).toList());
        assertEquals(Status.PASSING, catalog.instance("web", "w").orElseThrow().status());
        assertEquals(T0, catalog.renewals().get("web/w"));
        assertEquals(changeIndex, catalog.changeIndex(), "a refusal moves no index");
    }

    @Test
    void aCommandDecidedInTheEntrysTermAppliesAndAnUnboundOneAppliesInAnyTerm() {
        apply(1, T0, new Command.Register("web", "w", ttlSpec("10.0.0.1", 80)));
        assertEquals(Result.Code.OK, apply(4, T0 + 1, new Command.SetStatus("web", "w", T0, Status.WARNING, "", 4L)).get(0).code());
        assertEquals(Result.Code.OK, apply(9, T0 + 2, new Command.SetStatus("web", "w", T0, Status.CRITICAL, "")).get(0).code());
        assertEquals(Status.CRITICAL, catalog.instance("web", "w").orElseThrow().status());
    }

    @Test
    void theGraceStartsAtTheFirstTakeoverSinceTheLastRenewalAndLaterOnesDoNotMoveIt() {
        apply(1, T0, new Command.Register("web", "w", ttlSpec("10.0.0.1", 80)));
        apply(2, T0 + 5_000, new Command.Takeover("n2", 2));
        apply(3, T0 + 7_000, new Command.Takeover("n3", 3));
        apply(4, T0 + 9_000, new Command.Takeover("n1", 4));
        assertEquals(T0 + 5_000, catalog.graceFrom().get("web/w"));

        apply(4, T0 + 9_500, Command.Checkpoint.ages(Map.of("web/w", 300L), 4));
        assertFalse(catalog.graceFrom().containsKey("web/w"), "renewed: the next takeover grants a grace again");
        assertEquals(T0 + 9_200, catalog.renewals().get("web/w"));
        apply(5, T0 + 12_000, new Command.Takeover("n2", 5));
        assertEquals(T0 + 12_000, catalog.graceFrom().get("web/w"));
    }

    @Test
    void reRegisteringOrRemovingEndsTheGraceAndSnapshotsKeepIt() {
        apply(1, T0, new Command.Register("web", "a", ttlSpec("10.0.0.1", 80)), new Command.Register("web", "b", ttlSpec("10.0.0.2", 80)),
                new Command.Register("web", "c", ttlSpec("10.0.0.3", 80)));
        apply(2, T0 + 5_000, new Command.Takeover("n2", 2));
        apply(2, T0 + 6_000, new Command.Register("web", "a", ttlSpec("10.0.0.9", 80)), new Command.Deregister("web", "b"));
        assertEquals(Map.of("web/c", T0 + 5_000), catalog.graceFrom());

        Catalog restarted = new Catalog();
        restarted.load(SnapshotFormat.read(SnapshotFormat.toBytes(catalog.export())));
        assertEquals(catalog.graceFrom(), restarted.graceFrom());
        assertTrue(restarted.renewals().containsKey("web/c"));
    }

    @Test
    void aCheckpointWithANullAgeSkipsItInsteadOfFailingApply() throws Exception {
        apply(1, T0, new Command.Register("web", "w", ttlSpec("10.0.0.1", 80)));
        byte[] json = "[{\"op\":\"checkpoint\",\"ages\":{\"web/w\":null,\"web/x\":5},\"term\":3}]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = new byte[9 + json.length];
        bytes[0] = 1;
        java.nio.ByteBuffer.wrap(bytes, 1, 8).putLong(T0 + 1_000);
        System.arraycopy(json, 0, bytes, 9, json.length);

        List<Result> r = catalog.apply(++index, 3, io.muster.store.command.EntryCodec.decode(bytes));

        assertEquals(Result.Code.OK, r.get(0).code());
        assertEquals(T0, catalog.renewals().get("web/w"));
        assertFalse(catalog.renewals().containsKey("web/x"), "no key for an instance that is not registered");
    }
}
