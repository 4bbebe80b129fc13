package io.muster.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One change to a {@link ServiceView}, with the view's state right after it.
 *
 * @param type what happened
 * @param service the view's service
 * @param endpoints the endpoints the view offers now
 * @param previous the endpoints it offered before
 * @param index the registry index of the latest answer, 0 before any
 * @param protectedMode whether the view is holding on to earlier endpoints because the registry's answer dropped
 *     below the protect threshold
 * @param stale whether the view has lost contact with the registry
 * @param lastUpdated when the registry last confirmed the view's state; empty if it never has
 * @param ejected ids of the endpoints pickers skip because calls to them failed (see {@link ServiceView#ejected()})
 */
public record ServiceViewEvent(Type type, String service, List<Endpoint> endpoints, List<Endpoint> previous,
        long index, boolean protectedMode, boolean stale, Optional<Instant> lastUpdated, Set<String> ejected) {

    /** What happened to the view. */
    public enum Type {
        /** The registry answered with a different list of healthy endpoints and the view took it. */
        UPDATED,
        /**
         * The registry answered with no healthy endpoints, or fewer than the protect threshold allows; the view
         * keeps offering the endpoints it had, on the bet that the registry or the network is at fault.
         */
        PROTECTED,
        /** No member answered usefully; the view keeps offering its last known endpoints while it retries. */
        STALE,
        /** The view is current and unprotected again, with the endpoints it already offered. */
        RECOVERED,
        /** An endpoint went out of the pickers' choice after a reported failure (or a failed trial). */
        EJECTED,
        /** An ejected endpoint's trial call succeeded; pickers choose it again. */
        RESTORED
    }

    public ServiceViewEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        endpoints = List.copyOf(endpoints);
        previous = List.copyOf(previous);
        Objects.requireNonNull(lastUpdated, "lastUpdated");
        ejected = Set.copyOf(ejected);
    }

    /** An event with no endpoint ejected. */
    public ServiceViewEvent(Type type, String service, List<Endpoint> endpoints, List<Endpoint> previous, long index,
            boolean protectedMode, boolean stale, Optional<Instant> lastUpdated) {
        this(type, service, endpoints, previous, index, protectedMode, stale, lastUpdated, Set.of());
    }
}
