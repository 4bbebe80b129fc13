package io.muster.store.command;

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
    @JsonSubTypes.Type(value = Command.PutPolicy.class, name = "acl-policy"),
    @JsonSubTypes.Type(value = Command.DeletePolicy.class, name = "acl-policy-delete"),
    @JsonSubTypes.Type(value = Command.CreateToken.class, name = "acl-token"),
    @JsonSubTypes.Type(value = Command.DeleteToken.class, name = "acl-token-delete"),
    @JsonSubTypes.Type(value = Command.BootstrapAcl.class, name = "acl-bootstrap")})
public sealed interface Command {

    /** Registers or replaces an instance; an identical repeat changes nothing. */
    record Register(String service, String id, InstanceSpec spec) implements Command {
    }

    /**
     * Removes an instance; absent is {@link Result.Code#NOT_FOUND}. A non-zero {@code registeredAt} makes the
     * removal conditional on that incarnation (expiry after {@code deregisterAfter} must not remove a newer one).
     */
    record Deregister(String service, String id, long registeredAt) implements Command {
        public Deregister(String service, String id) {
            this(service, id, 0);
        }
    }

    /**
     * A health transition decided by the leader's leases or a member's checks. {@code registeredAt} pins it to
     * one incarnation of the instance, so a transition decided before a re-registration cannot hit the new one.
     */
    record SetStatus(String service, String id, long registeredAt, Status status, String note) implements Command {
    }

    /**
     * The leader's record of when TTL instances last renewed ("service/id" to epoch ms), so a new leader
     * neither kills the living nor revives the dead (design rule 6). It changes no read's answer.
     */
    record Checkpoint(Map<String, Long> renewals) implements Command {
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
