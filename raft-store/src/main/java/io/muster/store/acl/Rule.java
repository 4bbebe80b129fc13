package io.muster.store.acl;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One line of a policy. The JSON form is the contract's, the same in the API, the log and snapshots: the fields
 * present decide the kind, {@code {"service", "prefix", "access"}}, {@code {"operator": A}} or {@code {"acl": A}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({
    @JsonSubTypes.Type(Rule.Service.class),
    @JsonSubTypes.Type(Rule.Operator.class),
    @JsonSubTypes.Type(Rule.Acl.class)})
public sealed interface Rule {

    /** Access to the services named {@code service}, or (with {@code prefix}) to every name starting with it. */
    record Service(String service, boolean prefix, Access access) implements Rule {
        public boolean matches(String name) {
            return prefix ? name.startsWith(service) : name.equals(service);
        }
    }

    /** The cluster, snapshot, self-preservation and metrics calls. */
    record Operator(Access operator) implements Rule {
    }

    /** Tokens and policies. */
    record Acl(Access acl) implements Rule {
    }
}
