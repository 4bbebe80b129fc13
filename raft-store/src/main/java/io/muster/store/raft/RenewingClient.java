package io.muster.store.raft;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
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
    private volatile RaftClient current;
    private volatile boolean closed;

    RenewingClient(String name, Duration deadline, Supplier<RaftClient> factory) {
        this.name = name;
        this.deadline = deadline;
        this.factory = factory;
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
        RaftClient c = current;
        CompletableFuture<T> f;
        try {
            f = request.apply(c).orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((r, error) -> {
            if (error != null) {
                renew(c, error);
            }
        });
    }

    private void renew(RaftClient failed, Throwable why) {
        synchronized (this) {
            if (closed || current != failed) {
                return;
            }
            current = factory.get();
        }
        LOG.debug("Replaced Raft client {} after a failed request: {}", name, why.toString());
        // Requests still on the old client fail when it closes; close it off the thread that reported the failure.
        Thread closer = new Thread(() -> closeQuietly(failed), "raft-client-close-" + name);
        closer.setDaemon(true);
        closer.start();
    }

    private static void closeQuietly(RaftClient c) {
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
}
