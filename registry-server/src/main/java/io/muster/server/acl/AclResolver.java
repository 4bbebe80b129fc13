package io.muster.server.acl;

import io.muster.store.acl.AclState;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Token;
import io.muster.store.catalog.CatalogView;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a credential into an {@link Identity} against this member's replicated ACL state (a stale read, like DNS:
 * a token created elsewhere is known here once this member has applied it, normally within milliseconds).
 * Identities are cached per ACL state, so a request costs one SHA-256 and a map lookup; any ACL change starts a
 * fresh cache. Thread-safe.
 */
public final class AclResolver {
    private final CatalogView catalog;
    private final AclSettings settings;
    private volatile Cache cache = new Cache(null);

    private record Cache(AclState state, ConcurrentHashMap<String, Identity> byHash, Identity[] anonymous) {
        Cache(AclState state) {
            this(state, new ConcurrentHashMap<>(), new Identity[1]);
        }
    }

    public AclResolver(CatalogView catalog, AclSettings settings) {
        this.catalog = catalog;
        this.settings = settings;
    }

    public AclSettings settings() {
        return settings;
    }

    private Cache current() {
        AclState state = catalog.acl();
        Cache c = cache;
        if (c.state() != state) {
            c = new Cache(state);
            cache = c;
        }
        return c;
    }

    /** The identity of a request without a token: the rules of the {@code anonymous} policy, if any, over the default. */
    public Identity anonymous() {
        Cache c = current();
        Identity a = c.anonymous()[0];
        if (a == null) {
            List<Policy> rules = c.state().policy(Policy.ANONYMOUS).stream().toList();
            a = new Identity(Identity.ANONYMOUS, "requests without a token", List.of(Policy.ANONYMOUS), true,
                    new Authorizer(rules, settings.denyByDefault()));
            c.anonymous()[0] = a;
        }
        return a;
    }

    /** The identity a credential stands for; empty when it is malformed or names no token of this cluster. */
    public Optional<Identity> resolve(Credentials.Credential credential) {
        if (credential instanceof Credentials.None) {
            return Optional.of(anonymous());
        }
        if (!(credential instanceof Credentials.Secret s)) {
            return Optional.empty();
        }
        Cache c = current();
        String hash = Secrets.sha256(s.secret());
        Identity cached = c.byHash().get(hash);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Token> token = c.state().bySecretHash(hash);
        if (token.isEmpty()) {
            // Unknown secrets are not cached: they are client-chosen and would fill the map.
            return Optional.empty();
        }
        Token t = token.get();
        // A policy deleted after the token was made simply no longer applies (as in Consul).
        List<Policy> policies = t.policies().stream().flatMap(p -> c.state().policy(p).stream()).toList();
        Identity id = new Identity(t.accessor(), t.description(), t.policies(), false, new Authorizer(policies, settings.denyByDefault()));
        c.byHash().put(hash, id);
        return Optional.of(id);
    }
}
