package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lease manager's pieces on their own: pause detection, the takeover placement of times, removal. */
class LeasePiecesTest {
    private static final long T0 = 1_700_000_000_000L;
    private final Catalog catalog = new Catalog();
    private long index;

    private void apply(long term, long time, Command... commands) {
        catalog.apply(++index, term, new Entry(time, List.of(commands)));
    }

    private static InstanceSpec ttl(long ms) {
        return new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1, new Check.Ttl(Duration.ofMillis(ms), null));
    }

    @Test
    void aGapOfManyScanIntervalsIsAPauseAndAnOrdinaryOneIsNot() {
        PauseDetector d = new PauseDetector(1_000);
        assertEquals(0, d.scanned(5_000), "the first scan has nothing to compare with");
        assertEquals(0, d.scanned(5_200));
        assertEquals(0, d.scanned(6_200), "exactly the threshold is not a pause");
        assertEquals(13_000, d.scanned(19_200));
        d.reset();
        assertEquals(0, d.scanned(90_000), "after a reset (new term) the first scan is no pause");
    }

    @Test
    void takeoverPlacesRenewalsAndTheFirstGraceOnTheMonotonicClock() {
        apply(1, T0, new Command.Register("s", "a", ttl(10_000)), new Command.Register("s", "b", ttl(10_000)));
        apply(1, T0 + 2_000, Command.Checkpoint.ages(Map.of("s/a", 500L), 1));
        apply(2, T0 + 4_000, new Command.Takeover("n2", 2));
        LeaseTable table = new LeaseTable();
        long mono = 77_000_000L;
        table.takeOver(catalog, mono, T0 + 6_000);

        Lease a = table.get("s/a");
        assertEquals(mono - 4_500, a.renewedAt, "renewed at T0+1500 on the entries' scale, 4.5 s before now");
        assertEquals(mono - 2_000, a.graceFrom, "its grace began at the takeover 2 s ago, not now");
        assertEquals(mono - 6_000, table.get("s/b").renewedAt, "never renewed: its registration counts");
        assertEquals(mono + 5_500, a.deadline(3_000), "a full TTL from the renewal is later than the grace");
        assertEquals(mono + 8_000, a.deadline(10_000), "a grace longer than what is left of the TTL outlasts it");
    }

    @Test
    void aRecordedTimeAheadOfThisLeadersClockCountsAsNow() {
        assertEquals(500L, LeaseTable.local(T0 + 9_000, 500, T0 + 1_000));
        assertEquals(400L, LeaseTable.local(T0 + 900, 500, T0 + 1_000));
    }

    @Test
    void regrantGivesEveryLeaseAGraceFromNowAndARenewalClearsIt() {
        apply(1, T0, new Command.Register("s", "a", ttl(1_000)));
        LeaseTable table = new LeaseTable();
        table.takeOver(catalog, 10_000, T0 + 60_000);
        Lease a = table.get("s/a");
        a.graceFrom = Lease.NO_GRACE;
        assertEquals(1, table.regrant(20_000));
        assertEquals(23_000, a.deadline(3_000));
        a.renew(21_000);
        assertEquals(22_000, a.deadline(3_000));
        assertEquals(Map.of("s/a", 1_000L), table.takeAges(22_000));
        assertTrue(table.takeAges(23_000).isEmpty(), "checkpointed once");
    }

    @Test
    void criticalTimeCountsFromStatusSinceAtATakeoverAndFromNowAfterwards() {
        apply(1, T0, new Command.Register("s", "h", new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1,
                new Check.Http("http://x/", Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10)))));
        CriticalRemoval removal = new CriticalRemoval(Duration.ofMinutes(5));
        removal.takeOver(catalog, 1_000_000, T0 + 8_000);
        List<String> keys = new ArrayList<>();
        assertTrue(removal.due(catalog, 1_000_000 + 1_999, 2, Set.of(), keys).isEmpty(), "critical for 9.999 s");
        List<Command> due = removal.due(catalog, 1_000_000 + 2_000, 2, Set.of(), keys);
        assertEquals(List.of(new Command.Deregister("s", "h", T0, 2L)), due);
        assertTrue(removal.due(catalog, 1_000_000 + 2_000, 2, Set.of("s/h"), new ArrayList<>()).isEmpty(), "in flight");

        apply(2, T0 + 9_000, new Command.SetStatus("s", "h", T0, Status.PASSING, "ok"));
        removal.sync("s/h", "s", "h", catalog.instance("s", "h").orElseThrow(), 1_003_000);
        assertTrue(removal.due(catalog, 9_000_000, 2, Set.of(), new ArrayList<>()).isEmpty(), "passing again: forgotten");
        apply(2, T0 + 10_000, new Command.SetStatus("s", "h", T0, Status.CRITICAL, "down"));
        removal.sync("s/h", "s", "h", catalog.instance("s", "h").orElseThrow(), 1_004_000);
        assertTrue(removal.due(catalog, 1_013_999, 2, Set.of(), new ArrayList<>()).isEmpty());
        assertEquals(1, removal.due(catalog, 1_014_000, 2, Set.of(), new ArrayList<>()).size());
    }
}
