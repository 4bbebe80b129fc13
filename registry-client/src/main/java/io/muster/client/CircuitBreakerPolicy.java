package io.muster.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ServiceView} treats endpoints the application reported failing
 * ({@link ServiceView#reportFailure(Endpoint)}): it stops offering such an endpoint for {@code baseEjection}, then
 * lets one trial call through (half-open); a failed trial doubles the time out, up to {@code maxEjection}, and a
 * success ({@link ServiceView#reportSuccess(Endpoint)}) brings the endpoint back. At most {@code maxEjectedShare}
 * of a view's endpoints are out at once, and never all of them: outlier detection, not an outage switch.
 *
 * @param baseEjection how long a first failure keeps an endpoint out
 * @param maxEjection the longest time out, however many trials failed
 * @param maxEjectedShare in [0, 1): the largest share of endpoints out at once (rounded down; 0 turns ejection off)
 */
public record CircuitBreakerPolicy(Duration baseEjection, Duration maxEjection, double maxEjectedShare) {

    public CircuitBreakerPolicy {
        Objects.requireNonNull(baseEjection, "baseEjection");
        Objects.requireNonNull(maxEjection, "maxEjection");
        if (baseEjection.toMillis() < 1 || maxEjection.compareTo(baseEjection) < 0) {
            throw new IllegalArgumentException("need 1ms <= baseEjection <= maxEjection, got " + baseEjection + " and "
                    + maxEjection);
        }
        if (!(maxEjectedShare >= 0 && maxEjectedShare < 1)) {
            throw new IllegalArgumentException("maxEjectedShare must be in [0, 1), got " + maxEjectedShare);
        }
    }

    /** 1 s out after a first failure, doubling to at most 30 s; at most half of the endpoints out. */
    public static CircuitBreakerPolicy defaults() {
        return new CircuitBreakerPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.5);
    }

    /** How long an endpoint stays out after its {@code ejections}-th consecutive ejection (1-based). */
    public Duration ejectionTime(int ejections) {
        Duration d = baseEjection;
        for (int i = 1; i < ejections && d.compareTo(maxEjection) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxEjection) > 0 ? maxEjection : d;
    }

    /** How many of {@code endpoints} may be out at once: the share rounded down, and always one fewer than all. */
    public int maxEjected(int endpoints) {
        return Math.max(0, Math.min(endpoints - 1, (int) Math.floor(endpoints * maxEjectedShare)));
    }
}
