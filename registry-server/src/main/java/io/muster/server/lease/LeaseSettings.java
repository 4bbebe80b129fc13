package io.muster.server.lease;

import java.time.Duration;

/**
 * Tuning of TTL leases and self-preservation; every field is a documented server setting.
 *
 * @param scanInterval how often the leader looks for lapsed leases: the bound on expiry lateness, besides one commit
 * @param checkpointInterval how often renewals are written to the log (design rule 6)
 * @param takeoverGrace how long a new leader waits before expiring anything, so clients can find it
 * @param defaultDeregisterAfter removal delay for critical instances that do not set their own
 * @param selfPreservationShare share of TTL instances that may lapse within one window before expiry is held
 * @param selfPreservationMinimum self-preservation only applies with at least this many TTL instances
 * @param selfPreservationWindow the window over which lapses are counted
 * @param selfPreservationEnabled off: every lapse is expired, however many
 */
public record LeaseSettings(
        Duration scanInterval,
        Duration checkpointInterval,
        Duration takeoverGrace,
        Duration defaultDeregisterAfter,
        double selfPreservationShare,
        int selfPreservationMinimum,
        Duration selfPreservationWindow,
        boolean selfPreservationEnabled) {

    public static LeaseSettings defaults() {
        return new LeaseSettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(5),
                0.30, 10, Duration.ofSeconds(10), true);
    }
}
