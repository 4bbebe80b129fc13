package io.muster.server.http;

import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON answer of {@code GET /v1/services/{service}} for the last few distinct filters, reused while the service
 * is unchanged. One change can wake thousands of blocking queries on the same service and filter; each distinct
 * answer is then rendered once, not once per waiter. Entries are keyed by the immutable {@link ServiceEntry} they
 * were rendered from, so a changed service is never answered from an old rendering.
 */
final class RenderedServices {
    /** What selects instances from a service: the query's filters. */
    record Filter(String service, boolean healthy, boolean warning, List<String> tags) {
        boolean admits(Instance i) {
            if (healthy && !(i.status() == Status.PASSING || (warning && i.status() == Status.WARNING))) {
                return false;
            }
            return i.tags().containsAll(tags);
        }
    }

    private record Rendered(ServiceEntry entry, byte[] body, long cost) {
    }

    /** Rough bytes per cached answer besides its body: key, map entry, record headers. */
    private static final int OVERHEAD = 256;

    /** Least recently used first. */
    private final LinkedHashMap<Filter, Rendered> recent = new LinkedHashMap<>(16, 0.75f, true);
    private final long maxBytes;
    private long bytes;

    /**
     * Keeps renderings up to about {@code maxBytes} in all (bodies, keys and overhead), least recently used out first:
     * filters are client-chosen.
     */
    RenderedServices(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The answer for {@code filter} over {@code entry}, rendered by {@code render} only if not cached for it. */
    byte[] answer(Filter filter, ServiceEntry entry, Function<Map<String, Object>, byte[]> render) {
        synchronized (recent) {
            Rendered r = recent.get(filter);
            if (r != null && r.entry() == entry) {
                return r.body();
            }
        }
        List<InstanceView> instances = new ArrayList<>();
        for (Instance i : entry.instances().values()) {
            if (filter.admits(i)) {
                instances.add(InstanceView.of(i));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", filter.service());
        body.put("index", entry.index());
        body.put("instances", instances);
        byte[] rendered = render.apply(body);
        if (entry.instances().isEmpty()) {
            // A service that does not exist (services are removed with their last instance): cheap to render, and
            // names are client-chosen.
            return rendered;
        }
        long cost = rendered.length + OVERHEAD + 2L * (filter.service().length() + filter.tags().stream().mapToInt(String::length).sum());
        synchronized (recent) {
            Rendered old = recent.put(filter, new Rendered(entry, rendered, cost));
            bytes += cost - (old == null ? 0 : old.cost());
            var eldest = recent.values().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                bytes -= eldest.next().cost();
                eldest.remove();
            }
        }
        return rendered;
    }
}
