package io.muster.store.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.muster.store.acl.Policy;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
import java.util.List;
import java.util.Map;

/**
 * A change to the replicated catalog. Commands carry everything apply needs except the time, which the leader
 * stamps on the whole entry when it proposes it (see {@link Entry}); apply never reads a clock.
 *
 * <p>A command the leader decides from its lease table carries the {@code term} of that leadership (design rule
 * 6a). Apply refuses it, changing nothing, when the entry holding it was appended in another term: a deposed
 * leader's expiry forwarded to its successor, or proposed after it woke from a pause, never commits. The field is
 * optional and left out of the JSON when absent, so unfenced commands keep their version 1 shape.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.Register.class, name = "register"),
    @JsonSubTypes.Type(value = Command.Deregister.class, name = "deregister"),
    @JsonSubTypes.Type(value = Command.SetStatus.class, name = "status"),
    @JsonSubTypes.Type(value = Command.Checkpoint.class, name = "checkpoint"),
    @JsonSubTypes.Type(value = Command.PublishMember.class, name = "member"),
    @JsonSubTypes.Type(value = Command.Restore.class, name = "restore"),
    @JsonSubTypes.Type(value = Command.SetOption.class, name = "option"),
    @JsonSubTypes.Type(value = Command.Takeover.class, name = "takeover"),
    @JsonSubTypes.Type(value = Command.PutPolicy.class, name = "acl-policy"),
    @JsonSubTypes.Type(value = Command.DeletePolicy.class, name = "acl-policy-delete"),
    @JsonSubTypes.Type(value = Command.CreateToken.class, name = "acl-token"),
    @JsonSubTypes.Type(value = Command.DeleteToken.class, name = "acl-token-delete"),
    @JsonSubTypes.Type(value = Command.BootstrapAcl.class, name = "acl-bootstrap")})
public sealed interface Command {

    /**
     * Registers or replaces an instance; an identical repeat changes nothing. {@code quota} is the bounds of the
     * member that took the request, carried in the entry so every member decides the same at apply (members'
     * flags may differ); absent (older entries, internal writes) means unbounded.
     */
    record Register(String service, String id, InstanceSpec spec,
                    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                    Quota quota) implements Command {
        public Register(String service, String id, InstanceSpec spec) {
            this(service, id, spec, null);
        }
    }

    /**
     * Bounds on what registrations may create; 0 is unbounded. Only a registration that adds an instance can pass
     * one: replacing an instance never does.
     */
    record Quota(int services, int instances, int instancesPerService) {
        public boolean unbounded() {
            return services <= 0 && instances <= 0 && instancesPerService <= 0;
        }
    }

    /**
     * Removes an instance; absent is {@link Result.Code#NOT_FOUND}. A non-zero {@code registeredAt} makes the
     * removal conditional on that incarnation (expiry after {@code deregisterAfter} must not remove a newer one).
     */
    record Deregister(String service, String id, long registeredAt, @JsonInclude(JsonInclude.Include.NON_NULL) Long term)
            implements Command {
        public Deregister(String service, String id) {
            this(service, id, 0, null);
        }

        public Deregister(String service, String id, long registeredAt) {
            this(service, id, registeredAt, null);
        }
    }

    /**
     * A health transition decided by the leader's leases or a member's checks. {@code registeredAt} pins it to
     * one incarnation of the instance, so a transition decided before a re-registration cannot hit the new one.
     */
    record SetStatus(String service, String id, long registeredAt, Status status, String note,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long term) implements Command {
        public SetStatus(String service, String id, long registeredAt, Status status, String note) {
            this(service, id, registeredAt, status, note, null);
        }
    }

    /**
     * The leader's record of when TTL instances last renewed, so a new leader neither kills the living nor revives
     * the dead (design rule 6). It changes no read's answer. Version 1 wrote {@code renewals}, "service/id" to the
     * leader's epoch ms; today's leaders write {@code ages}, "service/id" to milliseconds between the renewal and
     * this entry's time, measured on the leader's monotonic clock (design rule 6b): every member turns that into
     * a time on the entry's own scale without comparing clocks across machines, as etcd carries remaining TTLs.
     */
    record Checkpoint(
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> renewals,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> ages,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long term) implements Command {
        public Checkpoint(Map<String, Long> renewals) {
            this(renewals, null, null);
        }

        /** Renewal ages relative to the entry's time, decided by the leader of {@code term}. */
        public static Checkpoint ages(Map<String, Long> ages, long term) {
            return new Checkpoint(null, ages, term);
        }
    }

    /** A member's own HTTP and DNS addresses, so any node can describe the cluster. */
    record PublishMember(Member member) implements Command {
    }

    /** Replaces the whole catalog with a snapshot's content (backup restore). */
    record Restore(byte[] snapshot) implements Command {
    }

    /** A cluster-wide runtime setting an operator changed, such as switching self-preservation off. */
    record SetOption(String name, String value) implements Command {
    }

    /**
     * A new leader took over the leases in {@code term}: every TTL instance not renewed since its last known renewal
     * starts its one takeover grace at this entry's time, unless an earlier takeover already started it (design
     * rule 6a: the grace is granted once per instance since its last renewal, however many takeovers follow).
     */
    record Takeover(String leader, long term) implements Command {
    }

    /** The term a command was decided in, if it is bound to one (0: unbound, applies in any term). */
    static long decidedIn(Command c) {
        Long t = null;
        if (c instanceof SetStatus s) {
            t = s.term();
        } else if (c instanceof Deregister d) {
            t = d.term();
        } else if (c instanceof Checkpoint k) {
            t = k.term();
        } else if (c instanceof Takeover k) {
            t = k.term();
        }
        return t == null ? 0 : t;
    }

    /**
     * A change to the ACL state. Log format version 1 knows none of these, so an entry carrying one is written as
     * version 2 (see {@link EntryCodec}). Secrets never travel: tokens carry the SHA-256 of theirs, chosen with a
     * secure random by the member that proposes them, so apply stays deterministic.
     */
    sealed interface AclChange extends Command {
    }

    /** Creates or replaces a policy. */
    record PutPolicy(Policy policy) implements AclChange {
    }

    /** Deletes a policy; tokens naming it lose its rules. */
    record DeletePolicy(String name) implements AclChange {
    }

    /** Creates a token; every policy it names must exist. */
    record CreateToken(String accessor, String secretSha256, String description, List<String> policies) implements AclChange {
    }

    record DeleteToken(String accessor) implements AclChange {
    }

    /** Creates the first management token, once per cluster: refused after any bootstrap. */
    record BootstrapAcl(String accessor, String secretSha256, String description) implements AclChange {
    }
}
