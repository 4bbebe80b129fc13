package io.muster.bench;

import io.vertx.core.Future;
import java.util.function.LongConsumer;

/**
 * A registry under test, seen through what its users do: register an instance with a liveness lease, renew it,
 * look a service up, deregister, and watch a service for changes. Muster and etcd (the way etcd users build
 * discovery: a lease and a key under the service's prefix) implement the same operations, so one load generator
 * drives both and the figures compare.
 */
sealed interface Registry permits MusterRegistry, EtcdRegistry, ZooKeeperRegistry {
    String name();

    /** Registers instance {@code instance} of service {@code service} through member {@code member}. */
    Future<Boolean> register(int member, int service, int instance);

    /** Whether liveness is renewed per instance (ZooKeeper's is the client session's, so it has no heartbeat figure). */
    default boolean renewsPerInstance() {
        return true;
    }

    /** Renews the liveness of an instance registered before. */
    Future<Boolean> heartbeat(int member, int service, int instance);

    /** Reads a service's instances: linearizable, or this member's own state. */
    Future<Boolean> lookup(int member, int service, boolean linearizable);

    Future<Boolean> deregister(int member, int service, int instance);

    /** Sets the one "seq" value that the propagation workload's watchers look for, on key {@code slot} of a service. */
    Future<Boolean> publish(int member, String service, int slot, long seq);

    /** Watches a service on a member; calls {@code seen} with every "seq" value as its change arrives. */
    void watch(int member, String service, LongConsumer seen);

    /** The index (in the member list) of the current leader, or -1 when none is known. */
    int leader();

    /** The instance numbers the service holds now, read linearizably (to find acknowledged writes that were lost). */
    java.util.Set<Integer> present(int member, String service);
}
