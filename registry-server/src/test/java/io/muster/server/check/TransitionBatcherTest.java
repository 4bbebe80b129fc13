package io.muster.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import io.muster.store.model.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Transitions reach the log batched: one entry per interval however many instances changed. */
class TransitionBatcherTest {
    private final List<List<Command>> entries = new ArrayList<>();
    private final List<CompletableFuture<Object>> replies = new ArrayList<>();
    private final List<String> settled = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final TransitionBatcher batcher = new TransitionBatcher(cmds -> {
        entries.add(cmds);
        CompletableFuture<Object> f = new CompletableFuture<>();
        replies.add(f);
        return f;
    }, Runnable::run, 200);

    private static Command.SetStatus critical(int i) {
        return new Command.SetStatus("web", "i" + i, 1, Status.CRITICAL, "down");
    }

    private void flush(long now) {
        batcher.flush(now, (keys, error) -> {
            settled.addAll(keys);
            if (error != null) {
                errors.add(error);
            }
        });
    }

    @Test
    void manyTransitionsMakeOneEntryPerInterval() {
        for (int i = 0; i < 500; i++) {
            batcher.add(critical(i), "web/i" + i);
        }
        flush(1000);
        assertEquals(1, entries.size());
        assertEquals(500, entries.get(0).size());
        batcher.add(critical(900), "web/i900");
        flush(1100);
        assertEquals(1, entries.size(), "held until the interval has passed");
        flush(1200);
        assertEquals(2, entries.size());
    }

    @Test
    void hugeBatchesAreSplitIntoBoundedEntries() {
        for (int i = 0; i < 4500; i++) {
            batcher.add(critical(i), "web/i" + i);
        }
        flush(0);
        assertEquals(List.of(2000, 2000, 500), entries.stream().map(List::size).toList());
    }

    @Test
    void completionNamesTheKeysAndAnyFailure() {
        batcher.add(critical(1), "web/i1");
        batcher.add(critical(2), "web/i2");
        flush(0);
        assertTrue(settled.isEmpty());
        replies.get(0).completeExceptionally(new IllegalStateException("no leader"));
        assertEquals(List.of("web/i1", "web/i2"), settled);
        assertEquals(1, errors.size());
        assertEquals(0, batcher.pending());
    }
}
