package io.muster.store.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Apply-side rules of the ACL state: what is refused, and that a refusal changes nothing. */
class AclStateTest {
    private static final Policy READ_WEB = new Policy("read-web", null, List.of(new Rule.Service("web", false, Access.READ)));

    private static Token token(String accessor, String hash, String... policies) {
        return new Token(accessor, hash, null, List.of(policies), 1);
    }

    @Test
    void theManagementPolicyIsBuiltInAndCannotBeReplaced() {
        assertEquals(Policy.MANAGEMENT_POLICY, AclState.EMPTY.policy(Policy.MANAGEMENT).orElseThrow());
        AclState.Outcome o = AclState.EMPTY.putPolicy(new Policy(Policy.MANAGEMENT, null, List.of()), 1);
        assertFalse(o.accepted());
        assertSame(AclState.EMPTY, o.state());
        assertFalse(AclState.EMPTY.deletePolicy(Policy.MANAGEMENT, 1).found());
    }

    @Test
    void malformedPoliciesAreRefusedAlikeEverywhere() {
        for (Policy bad : List.of(new Policy(null, null, List.of()), new Policy("", null, List.of()), new Policy("p", null, null),
                new Policy("p", null, Arrays.asList((Rule) null)), new Policy("p", null, List.of(new Rule.Service(null, true, Access.READ))),
                new Policy("p", null, List.of(new Rule.Service("", false, Access.READ))),
                new Policy("p", null, List.of(new Rule.Service("web", false, null))),
                new Policy("p", null, List.of(new Rule.Operator(null))), new Policy("p", null, List.of(new Rule.Acl(null))))) {
            AclState.Outcome o = AclState.EMPTY.putPolicy(bad, 1);
            assertFalse(o.accepted(), bad.toString());
            assertSame(AclState.EMPTY, o.state());
        }
    }

    @Test
    void aTokenNeedsExistingPoliciesAndANewAccessorAndSecret() {
        AclState s = AclState.EMPTY.putPolicy(READ_WEB, 1).state();
        assertFalse(s.createToken(token("a", "h1", "missing"), 2).accepted());
        AclState t = s.createToken(token("a", "h1", "read-web", Policy.MANAGEMENT), 2).state();
        assertEquals(2, t.index());
        assertFalse(t.createToken(token("a", "h2", "read-web"), 3).accepted(), "accessor reused");
        assertFalse(t.createToken(token("b", "h1", "read-web"), 3).accepted(), "secret reused");
        assertEquals("a", t.bySecretHash("h1").orElseThrow().accessor());
        assertTrue(t.deleteToken("a", 4).state().bySecretHash("h1").isEmpty());
    }

    @Test
    void bootstrapHappensOnceAndOnlyWithTheManagementPolicy() {
        AclState once = AclState.EMPTY.bootstrap(token("a", "h1", Policy.MANAGEMENT), 1).state();
        assertTrue(once.bootstrapped());
        assertFalse(once.bootstrap(token("b", "h2", Policy.MANAGEMENT), 2).accepted());
        AclState afterDelete = once.deleteToken("a", 3).state();
        assertFalse(afterDelete.bootstrap(token("b", "h2", Policy.MANAGEMENT), 4).accepted(),
                "deleting the bootstrap token does not re-open bootstrap");
        assertFalse(AclState.EMPTY.bootstrap(token("a", "h1", "read-web"), 1).accepted());
    }

    @Test
    void anIdenticalPolicyWriteChangesNothing() {
        AclState s = AclState.EMPTY.putPolicy(READ_WEB, 1).state();
        assertSame(s, s.putPolicy(READ_WEB, 2).state());
    }
}
