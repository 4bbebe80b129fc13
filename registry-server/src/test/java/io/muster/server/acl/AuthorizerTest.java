package io.muster.server.acl;

import static io.muster.store.acl.Access.DENY;
import static io.muster.store.acl.Access.READ;
import static io.muster.store.acl.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.acl.Access;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rule evaluation: exact beats prefix, the longest prefix decides, deny wins among equals, the default fills in. */
class AuthorizerTest {

    private static Policy policy(Rule... rules) {
        return new Policy("p", null, List.of(rules));
    }

    private static Rule.Service exact(String s, Access a) {
        return new Rule.Service(s, false, a);
    }

    private static Rule.Service prefix(String s, Access a) {
        return new Rule.Service(s, true, a);
    }

    private static Authorizer deny(Policy... policies) {
        return new Authorizer(List.of(policies), true);
    }

    @Test
    void withoutRulesTheDefaultDecides() {
        Authorizer allow = new Authorizer(List.of(), false);
        assertEquals(WRITE, allow.service("web"));
        assertEquals(WRITE, allow.operator());
        assertEquals(WRITE, allow.acl());
        Authorizer none = deny();
        assertEquals(DENY, none.service("web"));
        assertEquals(DENY, none.operator());
        assertEquals(DENY, none.acl());
        assertFalse(none.mayReadSomeService());
    }

    @Test
    void anExactRuleCoversOnlyItsName() {
        Authorizer a = deny(policy(exact("web", READ)));
        assertEquals(READ, a.service("web"));
        assertEquals(DENY, a.service("web2"));
        assertEquals(DENY, a.service("we"));
        assertEquals(DENY, a.operator());
    }

    @Test
    void theLongestMatchingPrefixDecides() {
        Authorizer a = deny(policy(prefix("", READ), prefix("web", WRITE), prefix("web-internal", DENY)));
        assertEquals(READ, a.service("db"));
        assertEquals(WRITE, a.service("web"));
        assertEquals(WRITE, a.service("web-public"));
        assertEquals(DENY, a.service("web-internal"));
        assertEquals(DENY, a.service("web-internal-2"));
    }

    @Test
    void anExactRuleBeatsEveryPrefix() {
        Authorizer a = deny(policy(prefix("web", DENY), exact("web-api", WRITE)));
        assertEquals(WRITE, a.service("web-api"));
        assertEquals(DENY, a.service("web-api2"));
        Authorizer b = deny(policy(prefix("web", WRITE), exact("web-secret", DENY)));
        assertEquals(DENY, b.service("web-secret"));
        assertEquals(WRITE, b.service("web-public"));
    }

    @Test
    void rulesAtTheSamePlaceMergeWithDenyWinningElseTheHighest() {
        Authorizer a = deny(policy(exact("web", READ)), new Policy("q", null, List.of(exact("web", WRITE))));
        assertEquals(WRITE, a.service("web"));
        Authorizer b = deny(policy(exact("web", WRITE)), new Policy("q", null, List.of(exact("web", DENY))));
        assertEquals(DENY, b.service("web"));
        Authorizer c = deny(policy(new Rule.Operator(WRITE), new Rule.Operator(READ), new Rule.Acl(READ), new Rule.Acl(DENY)));
        assertEquals(WRITE, c.operator());
        assertEquals(DENY, c.acl());
    }

    @Test
    void aDenyOnAShorterPrefixDoesNotOverrideALongerGrant() {
        Authorizer a = deny(policy(prefix("", DENY), exact("web", READ)));
        assertEquals(READ, a.service("web"));
        assertEquals(DENY, a.service("db"));
    }

    @Test
    void underAllowRulesOnlyNarrowWhatTheyCover() {
        Authorizer a = new Authorizer(List.of(policy(exact("web", READ), new Rule.Operator(DENY))), false);
        assertEquals(READ, a.service("web"));
        assertEquals(WRITE, a.service("db"), "a token no rule covers gets the default");
        assertEquals(DENY, a.operator());
        assertEquals(WRITE, a.acl());
    }

    @Test
    void theManagementPolicyGrantsEverything() {
        Authorizer a = deny(Policy.MANAGEMENT_POLICY);
        assertEquals(WRITE, a.service("anything"));
        assertEquals(WRITE, a.operator());
        assertEquals(WRITE, a.acl());
        assertTrue(a.mayOnEveryService(WRITE));
    }

    @Test
    void everyServiceNeedsCoverageAndNoLesserRule() {
        assertFalse(deny(policy(exact("web", WRITE))).mayOnEveryService(READ), "names no rule covers are denied");
        assertTrue(deny(policy(prefix("", READ))).mayOnEveryService(READ));
        assertFalse(deny(policy(prefix("", READ))).mayOnEveryService(WRITE));
        assertFalse(deny(policy(prefix("", WRITE), exact("secret", DENY))).mayOnEveryService(READ));
        assertTrue(new Authorizer(List.of(), false).mayOnEveryService(WRITE));
        assertFalse(new Authorizer(List.of(policy(prefix("db", READ))), false).mayOnEveryService(WRITE));
    }

    @Test
    void someServiceIsReadableWhenAnyRuleOrTheDefaultSaysSo() {
        assertTrue(deny(policy(exact("web", READ))).mayReadSomeService());
        assertFalse(deny(policy(exact("web", DENY), new Rule.Operator(WRITE))).mayReadSomeService());
        assertTrue(new Authorizer(List.of(), false).mayReadSomeService());
    }

    @Test
    void needsMapToTheRightRights() {
        Identity web = new Identity("a", null, List.of("p"), false, deny(policy(exact("web", READ), new Rule.Operator(READ))));
        assertTrue(Need.service(READ).grantedTo(web, "web"));
        assertFalse(Need.service(WRITE).grantedTo(web, "web"));
        assertFalse(Need.service(READ).grantedTo(web, "db"));
        assertFalse(Need.service(READ).grantedTo(web, null), "a service route without a service name grants nothing");
        assertTrue(Need.operator(READ).grantedTo(web, null));
        assertFalse(Need.operator(WRITE).grantedTo(web, null));
        assertFalse(Need.acl(READ).grantedTo(web, null));
        assertFalse(Need.everything(READ).grantedTo(web, null), "a snapshot needs every service");
        assertTrue(Need.someService().grantedTo(web, null));
        assertTrue(Need.IDENTIFIED.grantedTo(web, null));
        Identity root = new Identity("r", null, List.of(Policy.MANAGEMENT), false, deny(Policy.MANAGEMENT_POLICY));
        assertTrue(Need.everything(WRITE).grantedTo(root, null));
    }
}
