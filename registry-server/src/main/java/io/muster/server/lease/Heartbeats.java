package io.muster.server.lease;

import io.muster.store.model.Status;
import java.util.concurrent.CompletableFuture;

/** Where a heartbeat goes: renews a TTL instance's lease, wherever the leader is. */
public interface Heartbeats {

    /** Completes with true when the instance is registered with a TTL check and was renewed, false if unknown. */
    CompletableFuture<Boolean> renew(String service, String id, Status status, String note);
}
