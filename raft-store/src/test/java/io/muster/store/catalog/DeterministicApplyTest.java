package io.muster.store.catalog;

import static io.muster.store.Fixtures.T0;
import static io.muster.store.Fixtures.entry;
import static io.muster.store.Fixtures.httpSpec;
import static io.muster.store.Fixtures.instance;
import static io.muster.store.Fixtures.noCheckSpec;
import static io.muster.store.Fixtures.tcpSpec;
import static io.muster.store.Fixtures.ttlSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rule 1: applying an entry depends only on the entry and the state before it. Two nodes applying the same log
 * reach the same state, byte for byte in their snapshots, whatever their clocks say.
 */
class DeterministicApplyTest {

    /** A varied log: every command type, repeats, stale transitions, removals, and a restore. */
    private static List<Entry> log(long seed) {
        Random random = new Random(seed);
        List<Entry> entries = new ArrayList<>();
        Map<String, Long> registeredAt = new HashMap<>();
        long time = T0;
        for (int n = 0; n < 300; n++) {
            time += random.nextInt(2_000);
            List<Command> batch = new ArrayList<>();
            int size = 1 + random.nextInt(4);
            for (int c = 0; c < size; c++) {
                String service = "svc-" + random.nextInt(4);
                String id = "i-" + random.nextInt(6);
                String key = Catalog.key(service, id);
                switch (random.nextInt(8)) {
                    case 0, 1 -> {
                        InstanceSpec spec = switch (random.nextInt(4)) {
                            case 0 -> httpSpec("10.0.0." + random.nextInt(3), 80);
                            case 1 -> tcpSpec("10.0.0." + random.nextInt(3), 81);
                            case 2 -> noCheckSpec("10.0.0." + random.nextInt(3), 82);
                            default -> ttlSpec("10.0.0." + random.nextInt(3), 8080);
                        };
                        batch.add(new Command.Register(service, id, spec));
                        registeredAt.putIfAbsent(key, time);
                    }
                    case 2 -> batch.add(new Command.Deregister(service, id));
                    case 3 -> batch.add(new Command.Deregister(service, id, registeredAt.getOrDefault(key, 1L)));
                    case 4, 5 -> batch.add(new Command.SetStatus(service, id, registeredAt.getOrDefault(key, time),
                            Status.values()[random.nextInt(3)], random.nextBoolean() ? "" : "note " + random.nextInt(3)));
                    case 6 -> batch.add(new Command.Checkpoint(Map.of(key, time - random.nextInt(5_000))));
                    default -> batch.add(random.nextBoolean()
                            ? new Command.PublishMember(new Member("n" + random.nextInt(3), "h:" + random.nextInt(9), "d:1"))
                            : new Command.SetOption("opt" + random.nextInt(2), "v" + random.nextInt(3)));
                }
            }
            entries.add(new Entry(time, batch));
        }
        return entries;
    }

    /** Applies the log as a node would: each entry decoded from its replicated bytes, at consecutive indexes. */
    private static Catalog replay(List<byte[]> wire, List<List<Result>> results) {
        Catalog catalog = new Catalog();
        long index = 0;
        for (byte[] bytes : wire) {
            index++;
            if (index % 17 == 0) {
                catalog.skip(index);     // a Raft configuration entry between catalog entries
                index++;
            }
            results.add(catalog.apply(index, EntryCodec.decode(bytes)));
        }
        return catalog;
    }

    @Test
    void sameLogGivesEqualStateResultsAndSnapshotBytes() {
        for (long seed = 1; seed <= 5; seed++) {
            List<byte[]> wire = log(seed).stream().map(EntryCodec::encode).toList();
            List<List<Result>> resultsA = new ArrayList<>();
            List<List<Result>> resultsB = new ArrayList<>();

            Catalog a = replay(wire, resultsA);
            Catalog b = replay(wire, resultsB);

            assertEquals(a.export(), b.export(), "seed " + seed);
            assertEquals(resultsA, resultsB, "seed " + seed);
            assertArrayEquals(SnapshotFormat.toBytes(a.export()), SnapshotFormat.toBytes(b.export()), "seed " + seed);
        }
    }

    @Test
    void nodeRestartedFromASnapshotMidLogEndsInTheSameState() {
        List<byte[]> wire = log(42).stream().map(EntryCodec::encode).toList();
        Catalog leader = new Catalog();
        Catalog follower = new Catalog();
        for (int i = 0; i < wire.size(); i++) {
            leader.apply(i + 1, EntryCodec.decode(wire.get(i)));
            if (i == wire.size() / 2) {
                follower.load(SnapshotFormat.read(SnapshotFormat.toBytes(leader.export())));
            } else if (i > wire.size() / 2) {
                follower.apply(i + 1, EntryCodec.decode(wire.get(i)));
            }
        }

        assertEquals(leader.export(), follower.export());
    }

    @Test
    void snapshotBytesDoNotDependOnMetadataInsertionOrder() {
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> backward = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            forward.put("key-" + i, "v" + i);
        }
        for (int i = 39; i >= 0; i--) {
            backward.put("key-" + i, "v" + i);
        }
        Catalog a = new Catalog();
        Catalog b = new Catalog();
        a.apply(1, entry(T0, new Command.Register("web", "w", new InstanceSpec("10.0.0.1", 80, List.of(), forward, 1, null))));
        b.apply(1, entry(T0, new Command.Register("web", "w", new InstanceSpec("10.0.0.1", 80, List.of(), backward, 1, null))));

        // Nodes decode the same entry with differently seeded hash maps; their snapshots must still be identical.
        assertArrayEquals(SnapshotFormat.toBytes(a.export()), SnapshotFormat.toBytes(b.export()));
    }

    @Test
    void timesComeFromTheEntryNotTheClockEvenInThePastOrFuture() {
        long past = 86_400_000L;                  // 1970-01-02
        long future = 4_102_444_800_000L;         // 2100-01-01
        Catalog catalog = new Catalog();

        catalog.apply(1, entry(past, new Command.Register("web", "old", ttlSpec("10.0.0.1", 80))));
        catalog.apply(2, entry(future, new Command.Register("web", "new", ttlSpec("10.0.0.2", 80))));
        catalog.apply(3, entry(future + 1, new Command.SetStatus("web", "old", past, Status.CRITICAL, "late")));

        assertEquals(past, instance(catalog, "web", "old").registeredAt());
        assertEquals(future + 1, instance(catalog, "web", "old").statusSince());
        assertEquals(future, instance(catalog, "web", "new").registeredAt());
        assertEquals(future, instance(catalog, "web", "new").statusSince());
        assertEquals(Map.of("web/old", past, "web/new", future), catalog.renewals());
    }

    @Test
    void reapplyingTheSameLogAtDifferentWallClockMomentsGivesTheSameState() throws Exception {
        List<byte[]> wire = log(7).stream().map(EntryCodec::encode).toList();

        SnapshotData first = replay(wire, new ArrayList<>()).export();
        Thread.sleep(20);
        SnapshotData second = replay(wire, new ArrayList<>()).export();

        assertEquals(first, second);
    }
}
