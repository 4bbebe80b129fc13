package io.muster.client;

import java.time.Instant;
import java.util.Optional;

/**
 * A live registration: while open, the client heartbeats the instance every third of its TTL and registers it
 * again if the registry answers a heartbeat with {@code 404} (the instance expired or the registry lost it).
 *
 * <p>Heartbeat failures are retried with backoff and never surface as exceptions: the registry marks the instance
 * {@code critical} when its TTL runs out, which is the truth while this process cannot reach it.
 *
 * <p>Thread-safe. Closing waits for an in-flight heartbeat or re-registration before deregistering, so a late
 * re-registration cannot bring the instance back after the {@code DELETE}.
 */
public interface RegistrationHandle extends AutoCloseable {

    Registration registration();

    /** The registry index of the most recent (re-)registration this handle made. */
    long index();

    /** When the registry last acknowledged a heartbeat or registration from this handle. */
    Optional<Instant> lastRenewal();

    /** How many times this handle registered the instance again after a {@code 404} heartbeat answer. */
    long reregistrations();

    /**
     * Makes the heartbeats report {@code status} (and {@code note}, which may be empty) from now on, and sends one
     * at once: how an application marks itself out of service ({@code critical}), degraded ({@code warning}) or back
     * ({@code passing}) without deregistering. Registrations start {@code passing}.
     *
     * @throws IllegalArgumentException if {@code note} is over 1024 characters (the registry's limit)
     * @throws IllegalStateException if the handle is closed
     */
    void setStatus(InstanceStatus status, String note);

    /** The status the heartbeats report. */
    InstanceStatus status();

    /** {@code false} once the handle was closed or deregistered. */
    boolean isOpen();

    /**
     * Stops heartbeating and removes the instance from the registry; a {@code 404} counts as success.
     *
     * @throws RegistryUnavailableException if no member could be reached; the instance then expires by its TTL
     */
    void deregister();

    /** As {@link #deregister()}, but logs a failure instead of throwing. Idempotent. */
    @Override
    void close();
}
