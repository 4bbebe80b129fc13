package io.muster.store.acl;

import java.util.List;

/** A named list of rules; tokens name the policies that apply to them. */
public record Policy(String name, String description, List<Rule> rules) {
    /** The built-in policy that grants everything; it cannot be changed or deleted. */
    public static final String MANAGEMENT = "management";
    /** The policy whose rules apply to requests without a token (Consul's anonymous token), if an operator made one. */
    public static final String ANONYMOUS = "anonymous";

    public static final Policy MANAGEMENT_POLICY = new Policy(MANAGEMENT, "built in: every right", List.of(
            new Rule.Service("", true, Access.WRITE), new Rule.Operator(Access.WRITE), new Rule.Acl(Access.WRITE)));

    public Policy {
        // Nulls kept (not List.copyOf): a malformed command must be refused by apply, not fail to decode.
        rules = rules == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(rules));
    }
}
