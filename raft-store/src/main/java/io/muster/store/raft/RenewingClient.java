package io.muster.store.raft;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
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
 *
 * <p>It is also replaced when the leader this member knows of changes, so that the first request after a leader
 * change does not go to the old leader. Only a change counts: while the member still names a dead leader, the
 * client that already moved on by itself is kept.
 */
final class RenewingClient implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RenewingClient.class);

    private final String name;
    private final Duration deadline;
    private final Supplier<RaftClient> factory;
    private final Supplier<Optional<RaftPeerId>> knownLeader;
    private final ScheduledExecutorService closer;
    private final java.util.concurrent.Executor sender;
    /** Replaced clients not yet closed: requests may still run on them until their deadline. */
    private final Set<RaftClient> retired = ConcurrentHashMap.newKeySet();
    private volatile RaftClient current;
    /** The leader this member knew of when {@link #current} was built. */
    private volatile Optional<RaftPeerId> builtFor;
    private volatile boolean closed;

    /**
     * @param knownLeader the leader this member knows of now
     * @param closer      closes replaced clients once their last request has met its deadline
     * @param sender      where requests are handed to Ratis (and clients rebuilt): never the caller's thread,
     *                    since Ratis's ordered client may block there waiting for a permit (ratis-notes 5.7)
     */
    RenewingClient(String name, Duration deadline, Supplier<RaftClient> factory, Supplier<Optional<RaftPeerId>> knownLeader,
            ScheduledExecutorService closer, java.util.concurrent.Executor sender) {
        this.name = name;
        this.deadline = deadline;
        this.factory = factory;
        this.knownLeader = knownLeader;
        this.closer = closer;
        this.sender = sender;
        this.builtFor = knownLeader.get();
        this.current = factory.get();
    }

    /**
     * Runs one request, failing it after the deadline; if it fails in any way, the client it ran on is replaced
     * (once) for later requests.
     */
    <T> CompletableFuture<T> call(Function<RaftClient, CompletableFuture<T>> request) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            sender.execute(() -> send(request, result));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new NotSentException(e));
        }
        return result.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T> void send(Function<RaftClient, CompletableFuture<T>> request, CompletableFuture<T> result) {
        RaftClient c = current;
        CompletableFuture<T> f;
        try {
            c = followKnownLeader(c);
            f = request.apply(c).orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        RaftClient used = c;
        f.whenComplete((r, error) -> {
            if (error != null) {
                renew(used, error.toString());
                result.completeExceptionally(error);
            } else {
                result.complete(r);
            }
        });
    }

    private RaftClient followKnownLeader(RaftClient c) {
        Optional<RaftPeerId> leader = knownLeader.get();
        if (leader.isEmpty() || leader.equals(builtFor)) {
            return c;
        }
        return renew(c, "the leader is now " + leader.get());
    }

    /** Replaces {@code old} unless another thread already did (or this is closing); returns the client to use now. */
    private RaftClient renew(RaftClient old, String why) {
        RaftClient fresh;
        synchronized (this) {
            if (closed || current != old) {
                return current;
            }
            Optional<RaftPeerId> leader = knownLeader.get();
            fresh = factory.get();
            builtFor = leader;
            current = fresh;
            retired.add(old);
        }
        LOG.debug("Replaced Raft client {}: {}", name, why);
        // Requests still on the old client would fail when it closes (after a leadership transfer they may be
        // running fine on the old leader), so close it once the last of them has met its deadline.
        closer.schedule(() -> {
            if (retired.remove(old)) {
                closeQuietly(old);
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        return fresh;
    }

    /** Stops replacing the client; for the moment the member starts shutting down. */
    synchronized void stopRenewing() {
        closed = true;
    }

    @Override
    public void close() throws IOException {
        List<RaftClient> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(retired);
            retired.clear();
            all.add(current);
        }
        IOException first = null;
        for (RaftClient c : all) {
            try {
                c.close();
            } catch (IOException e) {
                first = Objects.requireNonNullElse(first, e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Closes, logging rather than throwing: for shutdown paths that must go on whatever the client does. */
    void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing Raft client {} failed: {}", name, e.toString());
        }
    }

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a replaced Raft client failed: {}", e.toString());
        }
    }
}
