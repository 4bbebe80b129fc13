package io.muster.server.acl;

import io.muster.store.acl.Access;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates the rules of one identity's policies, as Consul does:
 * <ul>
 *   <li>for a service, an exact (non-prefix) rule naming it decides; otherwise the longest prefix that matches it;
 *       otherwise the default policy;</li>
 *   <li>several rules at that same place (from several policies) merge: a {@code deny} among them wins, else the
 *       highest access;</li>
 *   <li>{@code operator} and {@code acl} rules merge the same way; none means the default policy.</li>
 * </ul>
 * The default policy is {@code write} under {@code allow}, {@code deny} under {@code deny}. Immutable.
 */
public final class Authorizer {
    private final List<Rule.Service> services = new ArrayList<>();
    private final Access operator;
    private final Access acl;
    private final Access fallback;

    public Authorizer(List<Policy> policies, boolean denyByDefault) {
        this.fallback = denyByDefault ? Access.DENY : Access.WRITE;
        List<Access> ops = new ArrayList<>();
        List<Access> acls = new ArrayList<>();
        for (Policy p : policies) {
            for (Rule r : p.rules()) {
                if (r instanceof Rule.Service s) {
                    services.add(s);
                } else if (r instanceof Rule.Operator o) {
                    ops.add(o.operator());
                } else if (r instanceof Rule.Acl a) {
                    acls.add(a.acl());
                }
            }
        }
        this.operator = ops.isEmpty() ? fallback : merge(ops);
        this.acl = acls.isEmpty() ? fallback : merge(acls);
    }

    private static Access merge(List<Access> grants) {
        return grants.contains(Access.DENY) ? Access.DENY : grants.stream().max(Enum::compareTo).orElseThrow();
    }

    public Access service(String name) {
        List<Access> exact = new ArrayList<>();
        List<Access> longest = new ArrayList<>();
        int best = -1;
        for (Rule.Service s : services) {
            if (!s.matches(name)) {
                continue;
            }
            if (!s.prefix()) {
                exact.add(s.access());
            } else if (s.service().length() > best) {
                best = s.service().length();
                longest.clear();
                longest.add(s.access());
            } else if (s.service().length() == best) {
                longest.add(s.access());
            }
        }
        if (!exact.isEmpty()) {
            return merge(exact);
        }
        return longest.isEmpty() ? fallback : merge(longest);
    }

    public Access operator() {
        return operator;
    }

    public Access acl() {
        return acl;
    }

    /** Whether some service name may be read: what a listing needs before it is filtered. */
    public boolean mayReadSomeService() {
        return fallback.allows(Access.READ) || services.stream().anyMatch(s -> s.access().allows(Access.READ));
    }

    /**
     * Whether every possible service name allows {@code needed}: no rule grants less, and the names no rule
     * covers (unless a rule on the empty prefix covers them all) get the default. What a whole-catalog snapshot needs.
     */
    public boolean mayOnEveryService(Access needed) {
        boolean allCovered = services.stream().anyMatch(s -> s.prefix() && s.service().isEmpty());
        return services.stream().allMatch(s -> s.access().allows(needed)) && (allCovered || fallback.allows(needed));
    }
}
