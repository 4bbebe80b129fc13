package io.muster.server.lease;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** Every meter of the lease manager, in one place (docs/metrics.md). */
final class LeaseMetrics {
    final Counter expirations;
    final Counter transitions;
    final Counter deregistrations;
    final Counter renewals;
    final Counter checkpoints;
    final Counter pauses;
    final Counter missedPromotions;

    LeaseMetrics(MeterRegistry meters, Supplier<Number> leases, Supplier<Number> selfPreservationActive) {
        expirations = Counter.builder("muster_lease_expirations").description("TTL instances turned critical by a lapsed lease").register(meters);
        transitions = Counter.builder("muster_lease_transitions").description("status transitions proposed by the lease manager").register(meters);
        deregistrations = Counter.builder("muster_lease_deregistrations").description("instances removed after deregisterAfter").register(meters);
        renewals = Counter.builder("muster_heartbeats").description("heartbeats renewed on this leader").register(meters);
        checkpoints = Counter.builder("muster_lease_checkpoints").description("renewal checkpoint entries proposed").register(meters);
        pauses = Counter.builder("muster_lease_pauses")
                .description("times the leader's lease scan found this process had been paused, and re-granted its leases").register(meters);
        missedPromotions = Counter.builder("muster_lease_missed_promotions")
                .description("scans that found this member leading a term it had not been promoted in, and took over").register(meters);
        Gauge.builder("muster_self_preservation_active", selfPreservationActive)
                .description("1 while expiry is held because too many leases lapsed at once").register(meters);
        Gauge.builder("muster_leases", leases).description("TTL leases held by this leader").register(meters);
    }
}
