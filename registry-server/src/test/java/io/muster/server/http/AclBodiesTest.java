package io.muster.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.muster.store.acl.Access;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Rule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Policy and token bodies: what parses, and a clear 400 naming the field for what does not. */
class AclBodiesTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ApiException refusedPolicy(String name, String body) {
        ApiException e = assertThrows(ApiException.class, () -> AclBodies.policy(name, b(body)));
        assertEquals(400, e.status());
        assertEquals("invalid_argument", e.code());
        return e;
    }

    @Test
    void theContractsPolicyParses() {
        Policy p = AclBodies.policy("web-rw", b("{\"name\": \"web-rw\", \"rules\": [{\"service\": \"web\", \"prefix\": false, "
                + "\"access\": \"write\"}, {\"service\": \"\", \"prefix\": true, \"access\": \"deny\"}, {\"operator\": \"read\"}, "
                + "{\"acl\": \"deny\"}], \"description\": \"deploys web\"}"));
        assertEquals(new Policy("web-rw", "deploys web", List.of(new Rule.Service("web", false, Access.WRITE),
                new Rule.Service("", true, Access.DENY), new Rule.Operator(Access.READ), new Rule.Acl(Access.DENY))), p);
        assertEquals(List.of(new Rule.Service("web", false, Access.READ)),
                AclBodies.policy("x", b("{\"rules\":[{\"service\":\"web\",\"access\":\"read\"}]}")).rules(), "prefix defaults to false");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no rules                   | {}                                                                  | rules",
        "rules not a list           | {\"rules\": {}}                                                      | rules",
        "rule not an object         | {\"rules\": [1]}                                                     | rules",
        "null rule                  | {\"rules\": [null]}                                                  | rules[0]",
        "empty rule                 | {\"rules\": [{}]}                                                    | rules[0]",
        "two kinds in one rule      | {\"rules\": [{\"operator\": \"read\", \"acl\": \"read\"}]}           | rules[0]",
        "unknown access             | {\"rules\": [{\"operator\": \"admin\"}]}                             | rules[0].operator",
        "access as a number         | {\"rules\": [{\"acl\": 2}]}                                          | rules",
        "service access missing     | {\"rules\": [{\"service\": \"web\"}]}                                | rules[0].access",
        "service access unknown     | {\"rules\": [{\"service\": \"web\", \"access\": \"all\"}]}           | rules[0].access",
        "bad exact service          | {\"rules\": [{\"service\": \"Web_1\", \"access\": \"read\"}]}        | rules[0].service",
        "empty exact service        | {\"rules\": [{\"service\": \"\", \"access\": \"read\"}]}             | rules[0].service",
        "prefix as a string         | {\"rules\": [{\"service\": \"w\", \"prefix\": \"yes\", \"access\": \"read\"}]} | rules",
        "access on an operator rule | {\"rules\": [{\"operator\": \"read\", \"access\": \"write\"}]}       | rules[0]",
        "unknown field              | {\"rules\": [], \"owner\": \"me\"}                                   | owner",
        "unknown rule field         | {\"rules\": [{\"node\": \"n1\"}]}                                    | rules",
        "name differs from path     | {\"name\": \"other\", \"rules\": []}                                 | name",
        "description too long       | {\"description\": \"DDDD\", \"rules\": []}                           | description",
        "control chars in descr.    | {\"description\": \"a\\u0007b\", \"rules\": []}                      | description",
        "repeated key               | {\"rules\": [], \"rules\": []}                                       | rules",
    })
    void malformedPoliciesNameTheField(String what, String body, String field) {
        ApiException e = refusedPolicy("p", body.replace("DDDD", "d".repeat(257)));
        assertEquals(field, e.field(), what + ": " + e.getMessage());
    }

    @Test
    void hostileAndOversizedPoliciesAreRefused() {
        assertEquals("rules", refusedPolicy("p", "{\"rules\": [" + "{\"acl\":\"read\"},".repeat(100) + "{\"acl\":\"read\"}]}").field());
        refusedPolicy("p", "[".repeat(5000) + "]".repeat(5000));
        refusedPolicy("p", "{\"rules\": []} trailing");
        refusedPolicy("p", "not json");
        refusedPolicy("p", "null");
        assertEquals("rules[0].service", refusedPolicy("p", "{\"rules\":[{\"service\":\"" + "a".repeat(64)
                + "\",\"prefix\":true,\"access\":\"read\"}]}").field());
    }

    @ParameterizedTest
    @CsvSource({"management", "''", "has space", "a/b", "ünï"})
    void badOrReservedPolicyNamesAreRefused(String name) {
        assertEquals("name", refusedPolicy(name, "{\"rules\": []}").field());
        assertEquals("name", refusedPolicy("a".repeat(129), "{\"rules\": []}").field());
    }

    @Test
    void tokenBodiesAreCheckedToo() {
        assertEquals(new AclBodies.TokenBody("ci", List.of("web-rw", "management")),
                AclBodies.token(b("{\"description\": \"ci\", \"policies\": [\"web-rw\", \"management\"]}")));
        for (String[] bad : new String[][] {
            {"{}", "policies"},
            {"{\"policies\": \"web\"}", "policies"},
            {"{\"policies\": [1]}", "policies"},
            {"{\"policies\": [null]}", "policies"},
            {"{\"policies\": [\"a b\"]}", "policies"},
            {"{\"policies\": [\"a\", \"a\"]}", "policies"},
            {"{\"policies\": [], \"secret\": \"mine\"}", "secret"},
            {"{\"policies\": [], \"accessor\": \"mine\"}", "accessor"},
            {"{\"policies\": [], \"description\": \"" + "d".repeat(257) + "\"}", "description"},
            {"{\"policies\": [" + "\"p\",".repeat(32) + "\"q\"]}", "policies"}}) {
            ApiException e = assertThrows(ApiException.class, () -> AclBodies.token(b(bad[0])), bad[0]);
            assertEquals(400, e.status());
            assertEquals(bad[1], e.field(), bad[0] + ": " + e.getMessage());
        }
    }

    @Test
    void accessorsAreUuids() {
        assertEquals("0b9e8a4c-59c3-4f4e-9a57-5b9b0d3a4d21", AclBodies.accessor("0b9e8a4c-59c3-4f4e-9a57-5b9b0d3a4d21"));
        for (String bad : new String[] {"", "anonymous", "0B9E8A4C-59C3-4F4E-9A57-5B9B0D3A4D21", "../../etc", "x".repeat(36)}) {
            assertEquals("accessor", assertThrows(ApiException.class, () -> AclBodies.accessor(bad)).field());
        }
    }
}
