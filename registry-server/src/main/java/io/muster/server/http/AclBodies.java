package io.muster.server.http;

import io.muster.store.acl.Access;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import io.muster.store.model.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bodies of the ACL API, parsed strictly (as every body: unknown fields, repeated keys and coerced scalars are
 * refused by {@link Bodies}) and checked against limits, or an {@link ApiException} naming the field at fault.
 */
final class AclBodies {
    static final Pattern POLICY_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,128}$");
    private static final Pattern SERVICE_PREFIX = Pattern.compile("^[a-z0-9-]{0,63}$");
    private static final Pattern ACCESSOR = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    static final int MAX_RULES = 100;
    static final int MAX_TOKEN_POLICIES = 32;
    static final int MAX_DESCRIPTION = 256;
    /** Soft bounds (checked when proposing, so concurrent creations may pass them by a few). */
    static final int MAX_POLICIES = 1_000;
    static final int MAX_TOKENS = 10_000;

    /** A rule as a client writes it: exactly one of {@code service}, {@code operator}, {@code acl}. */
    record RuleBody(String service, Boolean prefix, String access, String operator, String acl) {
    }

    record PolicyBody(String name, String description, List<RuleBody> rules) {
    }

    record TokenBody(String description, List<String> policies) {
    }

    private AclBodies() {
    }

    static String policyName(String name) {
        if (name == null || !POLICY_NAME.matcher(name).matches()) {
            throw ApiException.invalid("name", "policy name must be 1 to 128 of A-Z a-z 0-9 _ -");
        }
        if (Policy.MANAGEMENT.equals(name)) {
            throw ApiException.invalid("name", "the management policy is built in and cannot be changed");
        }
        return name;
    }

    static String accessor(String accessor) {
        if (accessor == null || !ACCESSOR.matcher(accessor).matches()) {
            throw ApiException.invalid("accessor", "accessor must be a lower-case UUID");
        }
        return accessor;
    }

    static Policy policy(String pathName, byte[] body) {
        String name = policyName(pathName);
        PolicyBody b = Bodies.parse(body, PolicyBody.class);
        if (b.name() != null && !b.name().equals(name)) {
            throw ApiException.invalid("name", "name in the body must match the path (or be left out)");
        }
        String description = description(b.description());
        if (b.rules() == null) {
            throw ApiException.invalid("rules", "rules is required: a list of rules");
        }
        if (b.rules().size() > MAX_RULES) {
            throw ApiException.invalid("rules", "at most " + MAX_RULES + " rules");
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < b.rules().size(); i++) {
            rules.add(rule(b.rules().get(i), "rules[" + i + "]"));
        }
        return new Policy(name, description, rules);
    }

    private static Rule rule(RuleBody r, String field) {
        if (r == null) {
            throw ApiException.invalid(field, field + " must be an object");
        }
        int kinds = (r.service() != null ? 1 : 0) + (r.operator() != null ? 1 : 0) + (r.acl() != null ? 1 : 0);
        if (kinds != 1) {
            throw ApiException.invalid(field, "a rule is one of {\"service\": NAME, \"prefix\": BOOL, \"access\": "
                    + "deny|read|write}, {\"operator\": deny|read|write} or {\"acl\": deny|read|write}");
        }
        if (r.service() != null) {
            boolean prefix = r.prefix() != null && r.prefix();
            if (prefix ? !SERVICE_PREFIX.matcher(r.service()).matches() : !Names.isLabel(r.service())) {
                throw ApiException.invalid(field + ".service", prefix
                        ? "a service prefix is at most 63 of a-z 0-9 - (empty: every service)"
                        : "service must be a service name (a DNS label), or set prefix");
            }
            if (r.access() == null) {
                throw ApiException.invalid(field + ".access", "access is required: deny, read or write");
            }
            return new Rule.Service(r.service(), prefix, access(r.access(), field + ".access"));
        }
        if (r.prefix() != null || r.access() != null) {
            throw ApiException.invalid(field, "prefix and access belong to service rules only");
        }
        return r.operator() != null ? new Rule.Operator(access(r.operator(), field + ".operator"))
                : new Rule.Acl(access(r.acl(), field + ".acl"));
    }

    private static Access access(String s, String field) {
        return Access.parse(s).orElseThrow(() -> ApiException.invalid(field, field + " must be deny, read or write"));
    }

    private static String description(String d) {
        if (d != null && d.length() > MAX_DESCRIPTION) {
            throw ApiException.invalid("description", "description must be at most " + MAX_DESCRIPTION + " characters");
        }
        if (d != null && d.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.invalid("description", "description must not hold control characters");
        }
        return d;
    }

    static TokenBody token(byte[] body) {
        TokenBody b = Bodies.parse(body, TokenBody.class);
        String description = description(b.description());
        if (b.policies() == null) {
            throw ApiException.invalid("policies", "policies is required: a list of policy names");
        }
        if (b.policies().size() > MAX_TOKEN_POLICIES) {
            throw ApiException.invalid("policies", "at most " + MAX_TOKEN_POLICIES + " policies");
        }
        for (String p : b.policies()) {
            if (p == null || !POLICY_NAME.matcher(p).matches()) {
                throw ApiException.invalid("policies", "each policy name must be 1 to 128 of A-Z a-z 0-9 _ -");
            }
        }
        if (new HashSet<>(b.policies()).size() != b.policies().size()) {
            throw ApiException.invalid("policies", "policies must be distinct");
        }
        return new TokenBody(description, List.copyOf(b.policies()));
    }
}
