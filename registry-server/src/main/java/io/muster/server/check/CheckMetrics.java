package io.muster.server.check;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.muster.store.model.Status;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every meter of the check package, in one place. Prometheus names: {@code muster_checks_total{kind,result}},
 * {@code muster_check_duration_seconds{kind}}, {@code muster_checks_assigned}, {@code muster_checks_in_flight},
 * {@code muster_checks_delayed_total} and {@code muster_check_transitions_total{status}}.
 */
final class CheckMetrics {
    static final String KIND_HTTP = "http";
    static final String KIND_TCP = "tcp";
    private final Map<String, Map<Status, Counter>> results = Map.of(KIND_HTTP, new EnumMap<>(Status.class), KIND_TCP, new EnumMap<>(Status.class));
    private final Map<String, Timer> durations;
    private final Map<Status, Counter> transitions = new EnumMap<>(Status.class);
    private final Counter delayed;

    CheckMetrics(MeterRegistry meters, Supplier<Number> assigned, Supplier<Number> inFlight) {
        for (String kind : results.keySet()) {
            for (Status s : Status.values()) {
                results.get(kind).put(s, Counter.builder("muster_checks").tag("kind", kind).tag("result", s.wireName())
                        .description("probes run by this member, by kind and result").register(meters));
            }
        }
        durations = Map.of(
                KIND_HTTP, timer(meters, KIND_HTTP),
                KIND_TCP, timer(meters, KIND_TCP));
        for (Status s : Status.values()) {
            transitions.put(s, Counter.builder("muster_check_transitions").tag("status", s.wireName())
                    .description("status transitions this member's checks proposed, by new status").register(meters));
        }
        delayed = Counter.builder("muster_checks_delayed")
                .description("due probes held back a tick because the concurrency cap was reached").register(meters);
        Gauge.builder("muster_checks_assigned", assigned).description("instances this member checks").register(meters);
        Gauge.builder("muster_checks_in_flight", inFlight).description("probes running now on this member").register(meters);
    }

    private static Timer timer(MeterRegistry meters, String kind) {
        return Timer.builder("muster_check_duration").tag("kind", kind).description("how long probes take, to the verdict")
                .register(meters);
    }

    void probed(String kind, Status result, long nanos) {
        results.get(kind).get(result).increment();
        durations.get(kind).record(nanos, TimeUnit.NANOSECONDS);
    }

    void transition(Status to) {
        transitions.get(to).increment();
    }

    void delayed() {
        delayed.increment();
    }
}
