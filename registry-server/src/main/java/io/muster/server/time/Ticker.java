package io.muster.server.time;

/**
 * A monotonic clock in milliseconds (design rule 6b): leases, checks and their timeouts measure durations with it,
 * never with the wall clock, so an NTP step neither stops expiries and probes nor fires them all at once. Its
 * values mean nothing across processes and are never compared between members. Tests pass a fake one and move it.
 */
@FunctionalInterface
public interface Ticker {

    /** Milliseconds since an arbitrary origin fixed for this process; never decreases. */
    long millis();

    /** {@link System#nanoTime()}, in milliseconds. */
    static Ticker system() {
        return () -> System.nanoTime() / 1_000_000;
    }
}
