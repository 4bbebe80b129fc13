package io.muster.client.internal;

import java.time.Duration;

/** Formats durations the way the registry reads them ({@code "500ms"}, {@code "10s"}, {@code "5m"}, {@code "1h"}). */
public final class GoDurations {

    private GoDurations() {
    }

    /** The largest whole unit that represents {@code d} exactly; sub-millisecond parts round up. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        long ms = d.toMillis() + (d.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
