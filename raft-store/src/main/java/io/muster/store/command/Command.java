package io.muster.store.command;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Member;
import io.muster.store.model.Status;
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
    @JsonSubTypes.Type(value = Command.SetOption.class, name = "option")})
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
}
