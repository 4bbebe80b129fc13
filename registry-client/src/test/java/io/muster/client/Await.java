package io.muster.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline: tests wait for behaviour, not for a fixed time. */
final class Await {

    /** Generous: a loaded 2-core machine may stall for seconds; a passing test returns as soon as it can. */
    static final Duration DEFAULT = Duration.ofSeconds(10);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition, () -> "");
    }

    static void until(String what, BooleanSupplier condition, Supplier<String> state) {
        until(what, DEFAULT, condition, state);
    }

    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what + "; state: " + state.get());
            }
            FakeRegistry.sleep(10);
        }
    }

    /**
     * Waits until the last event heard is of {@code type} and returns it. A view changes its state first and tells
     * its listeners after (with a log line in between), so a test that saw the state must still wait for the event.
     */
    static ServiceViewEvent lastEvent(List<ServiceViewEvent> events, ServiceViewEvent.Type type) {
        until("a " + type + " event", () -> !events.isEmpty() && events.get(events.size() - 1).type() == type, events::toString);
        return events.get(events.size() - 1);
    }
}
