package io.muster.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuietPeriodTest {
    private static final long MS = 1_000_000;
    private final QuietPeriod quiet = new QuietPeriod(Duration.ofMillis(500), Duration.ofSeconds(5));

    @Test
    void aSingleChangeIsDueAfterTheMinimum() {
        assertEquals(1_500 * MS, quiet.changed(1_000 * MS));
        assertTrue(quiet.pending());
    }

    @Test
    void aBurstMovesTheDueTimeWithEachChange() {
        quiet.changed(0);
        quiet.changed(300 * MS);
        assertEquals(1_100 * MS, quiet.changed(600 * MS), "500 ms after the latest change");
    }

    @Test
    void aSteadyTrickleIsRenderedByTheMaximum() {
        long due = 0;
        for (long t = 0; t <= 10_000; t += 400) {
            due = quiet.changed(t * MS);
            if (t >= 4_600) {
                assertEquals(5_000 * MS, due, "never later than 5 s after the first pending change (at " + t + " ms)");
            }
        }
        assertEquals(5_000 * MS, due);
    }

    @Test
    void aPassStartsANewWindow() {
        quiet.changed(0);
        quiet.passStarted();
        assertFalse(quiet.pending());
        assertEquals(9_500 * MS, quiet.changed(9_000 * MS));
        assertEquals(14_000 * MS, quiet.changed(13_900 * MS), "capped 5 s after 9 s");
    }

    @Test
    void boundsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new QuietPeriod(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new QuietPeriod(Duration.ofMillis(-1), Duration.ofSeconds(1)));
        assertEquals(0, new QuietPeriod(Duration.ZERO, Duration.ZERO).changed(0));
    }
}
