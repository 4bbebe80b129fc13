package io.muster.store.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated ACL state: policies by name, tokens by accessor (and by the hash of their secret), whether the
 * cluster was bootstrapped, and the index of the last change. Immutable: apply publishes a new value, so a request
 * authorizes against one whole state. ACL changes are rare; a copy per change is cheap next to a Raft round.
 *
 * <p>Every method that changes it is deterministic (design rule 1) and validates what it is given, so a malformed
 * command is refused alike on every member rather than throwing on all of them.
 */
public final class AclState {
    public static final AclState EMPTY = new AclState(Map.of(), Map.of(), false, 0);

    private final Map<String, Policy> policies;
    private final Map<String, Token> tokens;
    private final Map<String, Token> bySecret;
    private final boolean bootstrapped;
    private final long index;

    public AclState(Map<String, Policy> policies, Map<String, Token> tokens, boolean bootstrapped, long index) {
        this.policies = Collections.unmodifiableMap(new TreeMap<>(policies));
        this.tokens = Collections.unmodifiableMap(new TreeMap<>(tokens));
        Map<String, Token> s = new HashMap<>();
        tokens.values().forEach(t -> s.put(t.secretSha256(), t));
        this.bySecret = s;
        this.bootstrapped = bootstrapped;
        this.index = index;
    }

    /** A policy by name; the built-in management policy is always there. */
    public Optional<Policy> policy(String name) {
        if (Policy.MANAGEMENT.equals(name)) {
            return Optional.of(Policy.MANAGEMENT_POLICY);
        }
        return Optional.ofNullable(policies.get(name));
    }

    /** The policies operators made (not the built-in one), by name. */
    public Map<String, Policy> policies() {
        return policies;
    }

    public Map<String, Token> tokens() {
        return tokens;
    }

    public Optional<Token> token(String accessor) {
        return Optional.ofNullable(tokens.get(accessor));
    }

    public Optional<Token> bySecretHash(String sha256) {
        return Optional.ofNullable(bySecret.get(sha256));
    }

    public boolean bootstrapped() {
        return bootstrapped;
    }

    /** The log index of the last ACL change. */
    public long index() {
        return index;
    }

    public boolean isEmpty() {
        return policies.isEmpty() && tokens.isEmpty() && !bootstrapped;
    }

    /** A result of applying: the state after (the same object if nothing changed) and whether it was accepted. */
    public record Outcome(AclState state, boolean accepted, boolean found) {
        static Outcome refused(AclState s) {
            return new Outcome(s, false, true);
        }

        static Outcome notFound(AclState s) {
            return new Outcome(s, false, false);
        }
    }

    public Outcome putPolicy(Policy p, long at) {
        if (p == null || p.name() == null || p.name().isEmpty() || Policy.MANAGEMENT.equals(p.name()) || p.rules() == null
                || p.rules().stream().anyMatch(AclState::malformed)) {
            return Outcome.refused(this);
        }
        if (p.equals(policies.get(p.name()))) {
            return new Outcome(this, true, true);
        }
        Map<String, Policy> next = new HashMap<>(policies);
        next.put(p.name(), p);
        return new Outcome(new AclState(next, tokens, bootstrapped, at), true, true);
    }

    private static boolean malformed(Rule r) {
        if (r instanceof Rule.Service s) {
            return s.service() == null || s.access() == null || (!s.prefix() && s.service().isEmpty());
        }
        if (r instanceof Rule.Operator o) {
            return o.operator() == null;
        }
        return r == null || ((Rule.Acl) r).acl() == null;
    }

    public Outcome deletePolicy(String name, long at) {
        if (name == null || !policies.containsKey(name)) {
            return Outcome.notFound(this);
        }
        Map<String, Policy> next = new HashMap<>(policies);
        next.remove(name);
        return new Outcome(new AclState(next, tokens, bootstrapped, at), true, true);
    }

    /** Adds a token; every policy it names must exist now, and its accessor and secret must be new. */
    public Outcome createToken(Token t, long at) {
        if (t == null || t.accessor() == null || t.secretSha256() == null || t.policies() == null
                || tokens.containsKey(t.accessor()) || bySecret.containsKey(t.secretSha256())
                || t.policies().stream().anyMatch(p -> p == null || policy(p).isEmpty())) {
            return Outcome.refused(this);
        }
        Map<String, Token> next = new HashMap<>(tokens);
        next.put(t.accessor(), t);
        return new Outcome(new AclState(policies, next, bootstrapped, at), true, true);
    }

    public Outcome deleteToken(String accessor, long at) {
        if (accessor == null || !tokens.containsKey(accessor)) {
            return Outcome.notFound(this);
        }
        Map<String, Token> next = new HashMap<>(tokens);
        next.remove(accessor);
        return new Outcome(new AclState(policies, next, bootstrapped, at), true, true);
    }

    /** Creates the first management token; refused once any bootstrap happened, however many leaders propose it. */
    public Outcome bootstrap(Token t, long at) {
        if (bootstrapped || t == null || !List.of(Policy.MANAGEMENT).equals(t.policies())) {
            return Outcome.refused(this);
        }
        Outcome created = new AclState(policies, tokens, true, at).createToken(t, at);
        return created.accepted() ? created : Outcome.refused(this);
    }

    /** The state as a snapshot stores it. */
    public Data export() {
        return new Data(new ArrayList<>(policies.values()), new ArrayList<>(tokens.values()), bootstrapped, index);
    }

    public static AclState of(Data data) {
        if (data == null) {
            return EMPTY;
        }
        Map<String, Policy> p = new HashMap<>();
        data.policies().forEach(x -> p.put(x.name(), x));
        Map<String, Token> t = new HashMap<>();
        data.tokens().forEach(x -> t.put(x.accessor(), x));
        return new AclState(p, t, data.bootstrapped(), data.index());
    }

    /** The snapshot form: sorted lists, so equal states write equal files. */
    public record Data(List<Policy> policies, List<Token> tokens, boolean bootstrapped, long index) {
        /** Whether a snapshot reader may load this without a null surprising apply later. */
        public boolean complete() {
            return policies != null && tokens != null
                    && policies.stream().allMatch(p -> p != null && p.name() != null && p.rules() != null && p.rules().stream().noneMatch(AclState::malformed))
                    && tokens.stream().allMatch(t -> t != null && t.accessor() != null && t.secretSha256() != null && t.policies() != null
                            && t.policies().stream().noneMatch(java.util.Objects::isNull));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AclState a && a.export().equals(export());
    }

    @Override
    public int hashCode() {
        return export().hashCode();
    }
}
