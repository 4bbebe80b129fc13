package io.muster.client.internal;

import io.muster.client.CircuitBreakerPolicy;
import io.muster.client.Endpoint;
import io.muster.client.Picker;
import io.muster.client.Ticker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The circuit of each endpoint of one view, as the application's reports drive it:
 *
 * <pre>
 *   closed --failure--> open (out for ejectionTime(n)) --time passes--> half-open
 *   half-open --picked--> trial (out again for ejectionTime(n), so a trial nobody reports on is retried later)
 *   trial --success--> closed      trial --failure--> open with n+1
 * </pre>
 *
 * A failure or success reported while an endpoint is out without a trial comes from a call made before the
 * ejection and changes nothing. Endpoints are keyed by id and address, so one re-registered elsewhere starts closed.
 * All methods are thread-safe; {@link #pick} takes the lock only while some endpoint has a circuit open.
 */
public final class EndpointCircuits {

    /** What a report did, for the view to tell its listeners. */
    public enum Change { NONE, EJECTED, RESTORED }

    private static final class Circuit {
        int ejections;
        long outUntil;
        boolean trial;
    }

    private final CircuitBreakerPolicy policy;
    private final Ticker ticker;
    private final Map<String, Circuit> circuits = new HashMap<>();
    private volatile boolean any;

    public EndpointCircuits(CircuitBreakerPolicy policy, Ticker ticker) {
        this.policy = policy;
        this.ticker = ticker;
    }

    private static String key(Endpoint e) {
        return e.id() + "@" + e.hostPort();
    }

    /** Chooses among the endpoints not out; a half-open one chosen becomes its trial. */
    public Optional<Endpoint> pick(List<Endpoint> endpoints, Picker picker) {
        if (!any) {
            return picker.pick(endpoints);
        }
        synchronized (this) {
            long now = ticker.read();
            List<Endpoint> offered = new ArrayList<>(endpoints.size());
            for (Endpoint e : endpoints) {
                Circuit c = circuits.get(key(e));
                if (c == null || now - c.outUntil >= 0) {
                    offered.add(e);
                }
            }
            // Never all at once: should the list shrink under the ejected ones, offer every endpoint.
            Optional<Endpoint> chosen = picker.pick(offered.isEmpty() ? endpoints : offered);
            chosen.ifPresent(e -> {
                Circuit c = circuits.get(key(e));
                if (c != null && now - c.outUntil >= 0) {
                    c.trial = true;
                    c.outUntil = now + policy.ejectionTime(c.ejections).toNanos();
                }
            });
            return chosen;
        }
    }

    /**
     * @param current the view's endpoints now: the share of them out is capped against this list
     */
    public synchronized Change failure(Endpoint e, List<Endpoint> current) {
        long now = ticker.read();
        Circuit c = circuits.get(key(e));
        if (c == null) {
            if (!current.contains(e) || out(current) >= policy.maxEjected(current.size())) {
                return Change.NONE;
            }
            c = new Circuit();
            circuits.put(key(e), c);
            any = true;
        } else if (now - c.outUntil < 0 && !c.trial) {
            return Change.NONE;
        }
        c.ejections++;
        c.trial = false;
        c.outUntil = now + policy.ejectionTime(c.ejections).toNanos();
        return Change.EJECTED;
    }

    public synchronized Change success(Endpoint e) {
        long now = ticker.read();
        Circuit c = circuits.get(key(e));
        if (c == null || (now - c.outUntil < 0 && !c.trial)) {
            return Change.NONE;
        }
        circuits.remove(key(e));
        any = !circuits.isEmpty();
        return Change.RESTORED;
    }

    /** Ids of the endpoints of {@code current} that pickers skip now (out, or on trial). */
    public synchronized Set<String> ejected(List<Endpoint> current) {
        long now = ticker.read();
        Set<String> ids = new TreeSet<>();
        for (Endpoint e : current) {
            Circuit c = circuits.get(key(e));
            if (c != null && now - c.outUntil < 0) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    /** Forgets the circuits of endpoints the view no longer offers. */
    public synchronized void retain(List<Endpoint> current) {
        Set<String> keys = new HashSet<>();
        current.forEach(e -> keys.add(key(e)));
        circuits.keySet().retainAll(keys);
        any = !circuits.isEmpty();
    }

    /** Endpoints of {@code current} with a circuit not closed: out, half-open or on trial all count against the cap. */
    private int out(List<Endpoint> current) {
        int n = 0;
        for (Endpoint e : current) {
            if (circuits.containsKey(key(e))) {
                n++;
            }
        }
        return n;
    }
}
