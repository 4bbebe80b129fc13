package io.muster.server.lease;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SelfPreservationTest {
    private final LeaseSettings settings = new LeaseSettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofMinutes(5), 0.30, 10, Duration.ofSeconds(10), true);

    @Test
    void fewLapsesAreExpired() {
        SelfPreservation sp = new SelfPreservation(settings);
        assertFalse(sp.hold(0, 3, 3, 10, true), "3 of 10 is not more than 30%");
        assertFalse(sp.active());
    }

    @Test
    void massLapseIsHeld() {
        SelfPreservation sp = new SelfPreservation(settings);
        assertTrue(sp.hold(0, 4, 4, 10, true));
        assertTrue(sp.active());
    }

    @Test
    void smallClustersAreNeverHeld() {
        SelfPreservation sp = new SelfPreservation(settings);
        assertFalse(sp.hold(0, 3, 3, 3, true), "below the minimum count: one of three dying must expire");
        assertFalse(sp.hold(0, 9, 9, 9, true));
    }

    @Test
    void lapsesAccumulateWithinTheWindow() {
        SelfPreservation sp = new SelfPreservation(settings);
        assertFalse(sp.hold(0, 2, 2, 10, true));
        sp.expired(0, 2);
        assertTrue(sp.hold(1_000, 2, 2, 10, true), "2 expired plus 2 lapsing within one window is 40%");
        assertFalse(sp.hold(11_000, 2, 2, 10, true), "the first two left the window");
    }

    @Test
    void overdueLeasesCountBeforeTheyLapse() {
        SelfPreservation sp = new SelfPreservation(settings);
        assertTrue(sp.hold(0, 1, 8, 20, true), "the first lapse of a mass stop is held: 8 of 20 are overdue");
        assertFalse(sp.hold(0, 1, 1, 20, true), "one death among twenty is expired");
    }

    @Test
    void operatorSwitchOffExpiresEverything() {
        SelfPreservation sp = new SelfPreservation(settings);
        assertTrue(sp.hold(0, 8, 8, 10, true));
        assertFalse(sp.hold(100, 8, 8, 10, false));
        assertFalse(sp.active());
    }

    @Test
    void holdEndsWhenRenewalsReturn() {
        SelfPreservation sp = new SelfPreservation(settings);
        assertTrue(sp.hold(0, 8, 8, 10, true));
        assertFalse(sp.hold(200, 0, 0, 10, true));
        assertFalse(sp.active());
    }
}
