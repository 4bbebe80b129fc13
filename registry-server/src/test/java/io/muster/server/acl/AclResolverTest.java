package io.muster.server.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.acl.Access;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolving credentials against the applied ACL state, and noticing every change to it. */
class AclResolverTest {
    private final Catalog catalog = new Catalog();
    private final AclResolver resolver = new AclResolver(catalog, AclSettings.parse("deny", ""));
    private long index;

    private void apply(Command... commands) {
        catalog.apply(++index, new Entry(1_700_000_000_000L, List.of(commands)));
    }

    private static Credentials.Credential secret(String s) {
        return new Credentials.Secret(s);
    }

    @Test
    void aKnownSecretResolvesToItsTokenAndAnUnknownOneToNothing() {
        String s = Secrets.newSecret();
        apply(new Command.PutPolicy(new Policy("web", null, List.of(new Rule.Service("web", false, Access.READ)))),
                new Command.CreateToken("a-1", Secrets.sha256(s), "reader", List.of("web")));

        Identity who = resolver.resolve(secret(s)).orElseThrow();
        assertEquals("a-1", who.accessor());
        assertFalse(who.anonymous());
        assertEquals(Access.READ, who.rules().service("web"));
        assertTrue(resolver.resolve(secret(Secrets.newSecret())).isEmpty());
        assertTrue(resolver.resolve(new Credentials.Malformed("x")).isEmpty());
    }

    @Test
    void changesToPoliciesAndTokensApplyToTheNextRequest() {
        String s = Secrets.newSecret();
        apply(new Command.PutPolicy(new Policy("web", null, List.of(new Rule.Service("web", false, Access.READ)))),
                new Command.CreateToken("a-1", Secrets.sha256(s), null, List.of("web")));
        assertEquals(Access.READ, resolver.resolve(secret(s)).orElseThrow().rules().service("web"));

        apply(new Command.PutPolicy(new Policy("web", null, List.of(new Rule.Service("web", false, Access.WRITE)))));
        assertEquals(Access.WRITE, resolver.resolve(secret(s)).orElseThrow().rules().service("web"));

        apply(new Command.DeletePolicy("web"));
        assertEquals(Access.DENY, resolver.resolve(secret(s)).orElseThrow().rules().service("web"), "a deleted policy no longer applies");

        apply(new Command.DeleteToken("a-1"));
        assertTrue(resolver.resolve(secret(s)).isEmpty());
    }

    @Test
    void noTokenIsTheAnonymousIdentityGovernedByTheAnonymousPolicy() {
        Identity anonymous = resolver.resolve(new Credentials.None()).orElseThrow();
        assertTrue(anonymous.anonymous());
        assertEquals(Access.DENY, anonymous.rules().service("web"));

        apply(new Command.PutPolicy(new Policy(Policy.ANONYMOUS, null, List.of(new Rule.Service("", true, Access.READ)))));
        assertEquals(Access.READ, resolver.anonymous().rules().service("web"));
        assertEquals(Access.DENY, resolver.anonymous().rules().operator());
    }
}
