package io.muster.client;

/**
 * A monotonic source of nanoseconds, as {@link System#nanoTime()}: the time behind circuit breaking's backoffs.
 * Tests pass one they move by hand instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

    long read();

    static Ticker system() {
        return System::nanoTime;
    }
}
