package io.muster.server.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every refusal a limit makes, counted (what an alert watches) and logged the first time each limit trips (what an
 * operator reads after the alert), never once per request: a flood must not flood the log too.
 */
public final class LimitMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(LimitMetrics.class);
    /** The per-client limits: {@code muster_rate_limited_total{limit}}. */
    public static final String RATE = "rate";
    public static final String BLOCKING_QUERIES = "blocking-queries";
    public static final String CONNECTIONS = "connections";

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> logged = new ConcurrentHashMap<>();

    public LimitMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (String limit : new String[] {RATE, BLOCKING_QUERIES, CONNECTIONS}) {
            rateCounter(limit);
        }
        for (String quota : new String[] {"services", "instances", "instances-per-service"}) {
            quotaCounter(quota);
        }
    }

    private Counter rateCounter(String limit) {
        return counters.computeIfAbsent("rate:" + limit, k -> Counter.builder("muster_rate_limited")
                .description("requests refused with 429 rate_limited, by the per-client limit that refused them")
                .tag("limit", limit).register(meters));
    }

    private Counter quotaCounter(String quota) {
        return counters.computeIfAbsent("quota:" + quota, k -> Counter.builder("muster_quota_exceeded")
                .description("writes refused with 429 quota_exceeded, by quota")
                .tag("quota", quota).register(meters));
    }

    /** A request refused by a per-client limit; {@code detail} says which client and bound, for the first log line. */
    public void rateLimited(String limit, String detail) {
        rateCounter(limit).increment();
        once("rate:" + limit, "Limit " + limit + " tripped (first time; later refusals only count in muster_rate_limited_total): " + detail);
    }

    /** A write refused by a quota. */
    public void quotaExceeded(String quota, String detail) {
        quotaCounter(quota).increment();
        once("quota:" + quota, "Quota " + quota + " reached (first time; later refusals only count in muster_quota_exceeded_total): " + detail);
    }

    private void once(String key, String line) {
        if (logged.computeIfAbsent(key, k -> new AtomicBoolean()).compareAndSet(false, true)) {
            LOG.warn(line);
        }
    }
}
