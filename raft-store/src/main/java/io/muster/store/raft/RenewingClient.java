package io.muster.store.raft;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ratis client that is replaced after a failed request. Once one request of Ratis's ordered async client runs out
 * of retries, the client fails every later request at once ("... is closed") and never looks for a new leader again;
 * a member that lived through one long leader outage would otherwise refuse writes until restarted.
 */
final class RenewingClient implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RenewingClient.class);

    private final String name;
    private final Duration deadline;
    private final Supplier<RaftClient> factory;
    private final Supplier<Optional<RaftPeerId>> knownLeader;
    private volatile RaftClient current;
    private volatile boolean closed;

    /**
     * @param knownLeader the leader this member knows of now; a client aimed elsewhere is replaced before its next
     *     request, so that the first request after a leader change does not go to the old leader and fail
     */
    RenewingClient(String name, Duration deadline, Supplier<RaftClient> factory, Supplier<Optional<RaftPeerId>> knownLeader) {
        this.name = name;
        this.deadline = deadline;
        this.factory = factory;
        this.knownLeader = knownLeader;
        this.current = factory.get();
    }

    RaftClient get() {
        return current;
    }

    /**
     * Runs one request, failing it after the deadline; if it fails in any way, the client it ran on is replaced
     * (once) for later requests.
     */
    <T> CompletableFuture<T> call(Function<RaftClient, CompletableFuture<T>> request) {
        RaftClient c = aimedAtKnownLeader();
        CompletableFuture<T> f;
        try {
            f = request.apply(c).orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((r, error) -> {
            if (error != null) {
                renew(c, error.toString());
            }
        });
    }

    private RaftClient aimedAtKnownLeader() {
        RaftClient c = current;
        Optional<RaftPeerId> leader = knownLeader.get();
        return leader.isPresent() && !leader.get().equals(c.getLeaderId()) ? renew(c, "the leader is now " + leader.get()) : c;
    }

    /** Replaces {@code old} unless another thread already did; returns the client to use now. */
    private RaftClient renew(RaftClient old, String why) {
        RaftClient fresh;
        synchronized (this) {
            if (closed || current != old) {
                return current;
            }
            fresh = factory.get();
            current = fresh;
        }
        LOG.debug("Replaced Raft client {}: {}", name, why);
        // Requests still on the old client would fail when it closes (after a leadership transfer they may be
        // running fine on the old leader), so close it once the last of them has met its deadline.
        CompletableFuture.runAsync(() -> closeReplaced(old),
                CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS));
        return fresh;
    }

    private static void closeReplaced(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a replaced Raft client failed: {}", e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        RaftClient c;
        synchronized (this) {
            closed = true;
            c = current;
        }
        c.close();
    }

    /** Closes, logging rather than throwing: for shutdown paths that must go on whatever the client does. */
    void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing Raft client {} failed: {}", name, e.toString());
        }
    }
}
