package io.muster.store.catalog;

import io.muster.store.acl.AclState;
import io.muster.store.model.Instance;
import io.muster.store.model.Member;
import io.muster.store.model.ServiceEntry;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated state as the server sees it: read-only. Only the store's state machine applies entries to the
 * {@link Catalog} behind it, so no server code can change replicated state without going through Raft.
 */
public interface CatalogView {
    /** Told of every applied change, on the apply thread. */
    void addListener(CatalogListener listener);

    /** The index of the last entry that changed any service. */
    long changeIndex();

    /** The index of the last entry applied, whether or not it changed anything. */
    long appliedIndex();

    Optional<ServiceEntry> service(String name);

    /** One instance of a service, as last applied. */
    Optional<Instance> instance(String service, String id);

    /** Every service with at least one instance. */
    Collection<ServiceEntry> services();

    /** The index a read of {@code service} answers; see {@link Catalog#indexOf}. */
    long indexOf(String service);

    /** The index of the last entry that removed a service. */
    long removedIndex();

    /** Instances in all services. */
    long instanceCount();

    /** Last known renewal of each TTL instance, keyed {@code service/id}; see {@link Catalog#renewals}. */
    Map<String, Long> renewals();

    /** When the one takeover grace of each TTL instance not renewed since a takeover began. */
    Map<String, Long> graceFrom();

    /** Operator settings replicated with the catalog; absent means the server's configured default. */
    Optional<String> option(String name);

    /** A replicated option, typed; absent (or unparseable) means the server's configured default. */
    default <T> Optional<T> option(io.muster.store.command.ReplicatedOption<T> option) {
        return option.read(option(option.name()));
    }

    /** Tokens and policies, as of the last applied entry. */
    AclState acl();

    Map<String, Member> members();

    /** Completes once an entry at or beyond {@code index} is applied here, on the apply thread. */
    CompletableFuture<Long> awaitApplied(long index);

    /** A consistent copy of the whole state as of one applied entry, for snapshots and backups. */
    SnapshotData export();
}
