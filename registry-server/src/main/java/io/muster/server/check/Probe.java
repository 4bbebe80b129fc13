package io.muster.server.check;

import io.muster.store.model.Check;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one check once. Must not block the caller and must complete, normally, within the check's timeout
 * (give or take a timer tick) whatever the target does: a failure is a {@link ProbeResult}, never an exception.
 */
@FunctionalInterface
interface Probe {
    CompletableFuture<ProbeResult> run(Check check);
}
