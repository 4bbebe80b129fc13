package io.muster.server.check;

import io.muster.store.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Collects status transitions and proposes them together, one log entry per batch interval (design rule 5:
 * only transitions reach the log, in batches). When a dependency fails many instances at once, a thousand
 * transitions cost one entry, not a thousand.
 *
 * <p>Not thread-safe: the scheduler thread adds and flushes; completions are handed back through {@code owner}.
 */
final class TransitionBatcher {
    static final int MAX_COMMANDS_PER_ENTRY = 2000;

    private final Function<List<Command>, CompletableFuture<?>> submit;
    private final Executor owner;
    private final long intervalMs;
    private final List<Command> commands = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private long lastFlush = Long.MIN_VALUE / 2;

    /**
     * @param submit proposes one entry, completing once it is applied here (or failing)
     * @param owner runs completion callbacks, so they land on the thread that owns the caller's state
     */
    TransitionBatcher(Function<List<Command>, CompletableFuture<?>> submit, Executor owner, long intervalMs) {
        this.submit = submit;
        this.owner = owner;
        this.intervalMs = intervalMs;
    }

    void add(Command.SetStatus command, String key) {
        commands.add(command);
        keys.add(key);
    }

    int pending() {
        return commands.size();
    }

    /**
     * Proposes what was collected if the batch interval has passed since the last proposal. {@code done} is told,
     * on the owner, which keys each entry carried and whether it failed (null when it was applied).
     */
    void flush(long now, BiConsumer<List<String>, Throwable> done) {
        if (commands.isEmpty() || now - lastFlush < intervalMs) {
            return;
        }
        lastFlush = now;
        for (int from = 0; from < commands.size(); from += MAX_COMMANDS_PER_ENTRY) {
            int to = Math.min(commands.size(), from + MAX_COMMANDS_PER_ENTRY);
            List<Command> chunk = List.copyOf(commands.subList(from, to));
            List<String> chunkKeys = List.copyOf(keys.subList(from, to));
            CompletableFuture<?> f;
            try {
                f = submit.apply(chunk);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((ok, error) -> owner.execute(() -> done.accept(chunkKeys, error)));
        }
        commands.clear();
        keys.clear();
    }
}
