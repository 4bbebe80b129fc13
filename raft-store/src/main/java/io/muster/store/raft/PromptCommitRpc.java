package io.muster.store.raft;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.leader.LogAppenderBase;

/**
 * Ratis's gRPC transport, plus one thing: when the leader's commit index moves and a follower has every entry but
 * not yet the news that it is committed, the leader tells it at once (an empty AppendEntries carries the commit
 * index) instead of at the next heartbeat.
 *
 * <p>Why: in Ratis 3.2.0 a follower learns a commit only from the next AppendEntries, and the leader sends one only
 * with new entries or at the heartbeat interval (half the election timeout, 250 ms by default). A write taken by a
 * follower waits until that follower has applied it, so a lone write through a follower took 265 ms against 8 ms on
 * the leader, and watchers on followers saw changes that late. Ratis's metadata entries would carry the commit too,
 * but each is itself an entry whose commit the followers learn late: a follower's read-index then waits for it, and
 * linearizable reads on followers fell from 1,900/s to 7/s under write load (docs/benchmarks.md).
 *
 * <p>Configured as the server's RPC type by class name (Ratis instantiates it); clients keep plain gRPC.
 */
public final class PromptCommitRpc implements RpcType {
    /** How soon to look again at a follower whose entries were still unanswered (a loopback round trip is ~0.2 ms). */
    private static final long RECHECK_MICROS = 500;
    /** A follower that answered within this is worth looking at again soon. */
    private static final long RESPONSIVE_MS = 100;
    /** One daemon thread for every member in this JVM: it only ever runs a few microseconds at a time. */
    private static final ScheduledExecutorService RECHECKS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "muster-prompt-commit");
        t.setDaemon(true);
        return t;
    });

    @Override
    public String name() {
        return "GRPC";
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /** Tells every follower that is caught up on entries but behind on the commit index. */
    static void commitAdvanced(RaftServer server) {
        if (server != null && server.getFactory() instanceof Factory f) {
            f.commitAdvanced();
        }
    }

    /** The gRPC factory, remembering the log appenders it made (one per follower while this member leads). */
    static final class Factory extends GrpcFactory {
        private final AtomicBoolean recheck = new AtomicBoolean();
        /** Weak: Ratis drops an appender when leadership or the configuration changes, and so do we. */
        private final Set<LogAppender> appenders = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            LogAppender appender = super.newLogAppender(server, state, follower);
            appenders.add(appender);
            return appender;
        }

        void commitAdvanced() {
            LogAppender[] current;
            synchronized (appenders) {
                current = appenders.toArray(LogAppender[]::new);
            }
            boolean waitingForAnAnswer = false;
            for (LogAppender a : current) {
                if (!a.isRunning() || a.getFollower().getCommitIndex() >= a.getRaftLog().getLastCommittedIndex()) {
                    continue;
                }
                if (a.hasAppendEntries()) {
                    // Entries still to send: the next AppendEntries carries the commit index anyway.
                    continue;
                }
                if (a instanceof LogAppenderBase b && b.hasPendingDataRequests()) {
                    // Its entries are on their way: a heartbeat sent now would carry no commit index (Ratis sends
                    // one only against a known previous entry), so look again once the follower has answered; a
                    // follower that has not answered lately (slow, paused, gone) waits for the heartbeat instead
                    // of keeping this thread busy.
                    waitingForAnAnswer |= a.getFollower().getLastRpcResponseTime().elapsedTimeMs() < RESPONSIVE_MS;
                } else {
                    a.triggerHeartbeat();
                }
            }
            if (waitingForAnAnswer && recheck.compareAndSet(false, true)) {
                RECHECKS.schedule(() -> {
                    recheck.set(false);
                    commitAdvanced();
                }, RECHECK_MICROS, TimeUnit.MICROSECONDS);
            }
        }
    }
}
