package io.muster.store.raft;

import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.CatalogView;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import io.muster.store.message.MemberAnswer;
import io.muster.store.message.MemberCodec;
import io.muster.store.message.MemberMessage;
import io.muster.store.message.MessageKind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the Raft group: a Ratis server holding the {@link Catalog}, and a Ratis client that carries
 * this node's writes and leader-bound queries to whichever member leads. Writes may be submitted on any
 * member; the client follows leadership, so callers never have to find the leader.
 */
public final class RaftNode implements Proposals, Leadership, ReadBarrier, MemberChannel, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    /** The read barriers' query, the same bytes every time: built once. */
    private static final Message APPLIED_INDEX_QUERY = memberMessage(MessageKind.APPLIED_INDEX, new byte[0]);
    /** Stable across restarts: Ratis keeps each group's storage under a directory named after this id. */
    public static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("muster-registry".getBytes()));
    /** How long a write or leader-bound request may take before it answers {@code no_leader}. */
    public static final Duration WRITE_DEADLINE = Duration.ofSeconds(8);
    /**
     * How often, and how far apart, the Raft clients resend a request while looking for the leader: about 4 s in
     * all. The first resends come 10 ms apart: a new leader is typically ready tens of milliseconds after its
     * election (it answers LeaderNotReady until then), and a fixed 100 ms cost every write taken meanwhile up to
     * two sleeps, 150-250 ms of a failover (docs/benchmarks.md).
     */
    private static final int QUICK_RETRIES = 20;
    private static final TimeDuration QUICK_RETRY_SLEEP = TimeDuration.valueOf(10, TimeUnit.MILLISECONDS);
    private static final int RETRY_ATTEMPTS = QUICK_RETRIES + 38;
    private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
    private static final org.apache.ratis.retry.RetryPolicy RETRY_ALL = event ->
            event.getAttemptCount() < RETRY_ATTEMPTS ? () -> retrySleep(event.getAttemptCount())
                    : org.apache.ratis.retry.RetryPolicy.NO_RETRY_ACTION;
    /** How long {@link #close()} waits for Ratis to finish closing the group after the server stopped. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** Largest log entry, which bounds the size of a restorable backup. */
    public static final int MAX_ENTRY_BYTES = 16 << 20;

    private final RaftSettings settings;
    private final Catalog catalog;
    private final CatalogStateMachine stateMachine;
    private final RaftPeerId selfId;
    private final org.apache.ratis.protocol.ClientId localClientId = org.apache.ratis.protocol.ClientId.randomId();
    private final java.util.concurrent.atomic.AtomicLong localCallIds = new java.util.concurrent.atomic.AtomicLong();
    private RaftServer server;
    private RenewingClient client;
    /**
     * Queries that must run on the leader (forwarded heartbeats, the default read barrier) travel on a client of
     * their own. Sharing an ordered client between requests aimed at different members stalled them: a read-index
     * request to this member queued later writes behind it until they timed out.
     */
    private RenewingClient leaderClient;
    /** Unordered client for read-index requests on this very member (consistent reads). */
    private RenewingClient queryClient;
    /**
     * Carries forwarded writes to the leader. It retries only failures that prove the leader did not run the
     * request (it was not, or not yet, the leader): a forwarded write has no Raft retry cache behind it, so resending
     * one that may have run could apply it twice.
     */
    private RenewingClient forwardClient;
    /**
     * Write completions run here, never on the apply thread that releases them: a caller's next step (the batcher
     * encodes and sends its next entry) would otherwise hold up applying, on every member.
     */
    private final java.util.concurrent.ExecutorService completionThread;
    /** In-process proposals on the leader: apart from completions, so neither queues behind the other. */
    private final java.util.concurrent.ExecutorService proposeThread;
    /** Closes Ratis clients replaced by the {@link RenewingClient}s once their requests have met the deadline. */
    private final java.util.concurrent.ScheduledExecutorService clientCloser;
    /** Runs {@link #crashWatch}: its probe may block for a moment, so on a thread of its own. */
    private final java.util.concurrent.ScheduledExecutorService crashWatchThread;
    private volatile CrashedLeaderWatch crashWatch;
    /**
     * Sends on the Ratis clients. Ratis's ordered client takes a semaphore permit in {@code async().send} and
     * blocks the caller when none is left (ratis-notes 5.7), and building a replacement client opens channels:
     * neither may happen on the caller's thread, which is often a Vert.x event loop (design rule 14). One thread
     * per client, so a client that does block holds up only its own requests.
     */
    private final List<java.util.concurrent.ExecutorService> sendThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The default read barrier: at most one leader query in flight, later reads join the next one. */
    private final SharedQuery<Long> leaderApplied;
    /** Consistent reads (and default ones on the leader) share read-index rounds: a burst costs two, not one each. */
    private final SharedQuery<Long> readIndex;
    private RaftGroup startingGroup;
    /** TLS for the Raft server and every Ratis client this member builds; empty for plaintext. */
    private final Optional<org.apache.ratis.conf.Parameters> tlsParameters;
    private final Optional<RefusalLoggingTrustManager> tlsTrust;
    private volatile boolean closed;
    /** Set once the Raft server started: whether this member has caught up with what it served before a restart. */
    private volatile RestartCatchUp restartCatchUp = new RestartCatchUp(0, 0);
    private volatile boolean wasLeader;
    /**
     * The leader last announced and the term it was announced in. Ratis raises its term before it forgets the old
     * leader, so reading both of its fields can pair a new term with the previous term's leader; this pair cannot.
     */
    private volatile LeaderSighting sighting;
    private volatile RaftServer.Division started;
    /** When this member last knew itself to be in contact with a leader (itself included), or 0 if never. */
    private volatile long leaderSeenNanos;
    private final long createdNanos = System.nanoTime();

    public RaftNode(RaftSettings settings, Catalog catalog) {
        this.settings = settings;
        this.catalog = catalog;
        this.stateMachine = new CatalogStateMachine(catalog, settings.clock(), this::leaderTerm, SnapshotFiles.FSYNC, failure -> { });
        // An entry is applied only once committed: on the leader, the moment to tell caught-up followers.
        this.stateMachine.afterApply(() -> PromptCommitRpc.commitAdvanced(server));
        this.stateMachine.addLeadershipListener(new LeadershipListener() {
            @Override
            public void leaderChanged(String leaderId) {
                // The moment a leader loses its term is its last contact with a leader: from then on its stale
                // reads must show a growing X-Muster-Last-Contact, not the 0 that means "I lead".
                if (wasLeader && !settings.id().equals(leaderId)) {
                    leaderSeenNanos = System.nanoTime();
                }
                wasLeader = settings.id().equals(leaderId);
                // Ratis announces a leader under its server lock, so no term change falls between it and this read.
                RaftServer.Division d = started;
                sighting = leaderId == null ? null : new LeaderSighting(leaderId, d == null ? -1 : d.getInfo().getCurrentTerm());
            }
        });
        this.tlsTrust = settings.tls().map(RaftTls::trustManager);
        this.tlsParameters = settings.tls().map(tls -> tls.parameters(tlsTrust.orElseThrow()));
        this.selfId = RaftPeerId.valueOf(settings.id());
        this.completionThread = daemonThread(settings.id() + "-write-completions");
        this.proposeThread = daemonThread(settings.id() + "-proposals");
        this.leaderApplied = new SharedQuery<>(this::askLeaderApplied);
        this.readIndex = new SharedQuery<>(this::readIndexRound);
        this.clientCloser = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                daemon(settings.id() + "-raft-client-closer"));
        this.crashWatchThread = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                daemon(settings.id() + "-raft-crash-watch"));
    }

    /** Runs on the completion thread, or inline once it has shut down so that late completions still happen. */
    private void complete(Runnable task) {
        runOn(completionThread, task);
    }

    private void propose(Runnable task) {
        runOn(proposeThread, task);
    }

    private static void runOn(java.util.concurrent.ExecutorService thread, Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    private static java.util.concurrent.ExecutorService daemonThread(String name) {
        return java.util.concurrent.Executors.newSingleThreadExecutor(daemon(name));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public String id() {
        return settings.id();
    }

    /** The replicated state, read-only: only this node's state machine applies to it. */
    public CatalogView catalog() {
        return catalog;
    }

    public void start() throws IOException {
        List<RaftPeer> peers = settings.peers().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build())
                .toList();
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers);
        startingGroup = group;
        RaftProperties props = serverProperties();
        RaftServer.Builder builder = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setProperties(props)
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER);
        tlsParameters.ifPresent(builder::setParameters);
        server = builder.build();
        server.start();
        started = division().orElse(null);
        Optional.ofNullable(started).ifPresent(d -> {
            var last = d.getRaftLog().getLastEntryTermIndex();
            restartCatchUp = new RestartCatchUp(last == null ? 0 : last.getIndex(), last == null ? 0 : last.getTerm());
            if (last != null && last.getIndex() > catalog.appliedIndex()) {
                LOG.info("Restarted with log entries up to index {} (state at {}): stale reads answer 503 until caught up",
                        last.getIndex(), catalog.appliedIndex());
            }
        });
        client = renewing("writes", () -> newClient(group, RETRY_ALL));
        leaderClient = renewing("leader-queries", () -> newClient(group, RETRY_ALL));
        queryClient = renewing("read-index", () -> newClient(group, RETRY_ALL));
        forwardClient = renewing("forwarded-writes", () -> newClient(group, RaftNode::retryIfNotRun));
        CrashedLeaderWatch watch = CrashedLeaderWatch.onRatis(server, GROUP_ID, selfId, settings.electionTimeout().toMillis());
        crashWatch = watch;
        crashWatchThread.scheduleWithFixedDelay(() -> {
            try {
                watch.tick();
            } catch (RuntimeException e) {
                LOG.warn("Crashed-leader watch failed: {}", e.toString());
            }
        }, CrashedLeaderWatch.TICK_MS, CrashedLeaderWatch.TICK_MS, TimeUnit.MILLISECONDS);
        LOG.info("Raft member {} started at {} (group {}, peers {}, {})", settings.id(), settings.raftAddress(),
                GROUP_ID.getUuid(), settings.peers(),
                settings.tls().map(t -> "mutual TLS, CA " + t.ca()).orElse("plaintext"));
    }

    private RenewingClient renewing(String name, java.util.function.Supplier<RaftClient> factory) {
        java.util.concurrent.ExecutorService sends = daemonThread(settings.id() + "-raft-" + name);
        sendThreads.add(sends);
        return new RenewingClient(name, WRITE_DEADLINE, factory, this::knownLeader, clientCloser, sends);
    }

    /**
     * Runs a blocking admin request (snapshot, leadership transfer, configuration change) on a client of its own,
     * built for it: a shared client could be replaced and closed under a request that takes seconds.
     */
    private RaftClientReply admin(org.apache.ratis.util.function.CheckedFunction<RaftClient, RaftClientReply, IOException> request)
            throws IOException {
        try (RaftClient c = newClient(startingGroup, RETRY_ALL)) {
            return request.apply(c);
        }
    }

    /**
     * A client of the group as this member knows it now (not as it started: after a membership change a client of
     * the starting peers cannot even address a new leader), starting at the leader this member knows of, if any.
     */
    private RaftClient newClient(RaftGroup initial, org.apache.ratis.retry.RetryPolicy retry) {
        RaftGroup group = division()
                .map(d -> d.getRaftConf().getAllPeers())
                .filter(peers -> !peers.isEmpty())
                .map(peers -> RaftGroup.valueOf(GROUP_ID, peers))
                .orElse(initial);
        RaftClient.Builder b = RaftClient.newBuilder()
                .setProperties(clientProperties())
                .setRaftGroup(group)
                .setRetryPolicy(retry);
        // Every client of this member (writes, queries, forwarded writes, admin requests) goes through here, so none
        // can reach a TLS Raft port without this member's certificate.
        tlsParameters.ifPresent(b::setParameters);
        knownLeader().filter(id -> group.getPeer(id) != null).ifPresent(b::setLeaderId);
        return b.build();
    }

    static org.apache.ratis.retry.RetryPolicy.Action retryIfNotRun(org.apache.ratis.retry.RetryPolicy.Event event) {
        Throwable cause = event.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        boolean notRun = cause instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
                || cause instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
        return notRun && event.getAttemptCount() < RETRY_ATTEMPTS ? () -> retrySleep(event.getAttemptCount())
                : org.apache.ratis.retry.RetryPolicy.NO_RETRY_ACTION;
    }

    private static TimeDuration retrySleep(int attempt) {
        return attempt < QUICK_RETRIES ? QUICK_RETRY_SLEEP : RETRY_SLEEP;
    }

    private RaftProperties serverProperties() {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(settings.dataDir().resolve("raft").toFile()));
        java.net.InetSocketAddress address = RaftSettings.hostAndPort(settings.raftAddress());
        // By class name, so that Ratis builds our gRPC factory (PromptCommitRpc) for the server; clients stay plain.
        p.set(org.apache.ratis.RaftConfigKeys.Rpc.TYPE_KEY, PromptCommitRpc.class.getName());
        GrpcConfigKeys.Server.setHost(p, address.getHostString());
        GrpcConfigKeys.Server.setPort(p, address.getPort());
        long min = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        // A leader that steps down for lost majority heartbeats may not stand again for this long. Ratis's 10 s
        // left a fault run with no leader for 8.5 s while a majority was connected (docs/reliability.md): both
        // deposed leaders waited it out. Pre-vote already keeps a cut-off member from disrupting anyone, so one
        // election round is enough; it is also the JVM pause after which a leader steps down, past its lease.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, settings.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, settings.snapshotThreshold()));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        // Purge up to the snapshot even if a member is down: it catches up by InstallSnapshot instead of
        // pinning the log forever.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, settings.snapshotThreshold()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(settings.segmentSizeBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(4L << 20, settings.segmentSizeBytes())));
        // Ratis's default backs off to 1 s and then 5 s between retries to a follower, which made a restarted
        // follower wait seconds to catch up (ratis-notes 5.4); the long last tier avoids a busy loop.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, "1ms,10, 100ms,100, 1s,1000000");
        RaftServerConfigKeys.Write.setElementLimit(p, 8192);
        // Metadata entries record the commit index in the log: one extra entry (and sync) per commit, which
        // doubled the log under write load. A restarted member learns the commit index from the leader instead.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        // An entry may carry a whole backup being restored (gzip JSON), so allow entries up to MAX_ENTRY_BYTES;
        // Ratis requires the write buffer and the gRPC message limit to exceed the appender's buffer.
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(MAX_ENTRY_BYTES));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(MAX_ENTRY_BYTES + (1 << 20)));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(MAX_ENTRY_BYTES + (2 << 20)));
        return p;
    }

    /** Package-private for tests that drive Ratis's real client as this member builds it. */
    static RaftProperties clientProperties() {
        RaftProperties p = new RaftProperties();
        // Off: Ratis's client opens each ordered window with a "dummy" watch of its own, which waits in front of our
        // first request. When the leader it targets is gone, the forward client's retry policy gives that watch up,
        // and Ratis fails every request behind it as "already closed", unsent: a forward to a dead leader then read
        // as "may have run" (outcome unknown) instead of no_leader (CI, stop 26), and nothing of ours saw the window
        // fail to replace the client. Without it a fresh client's first request is also one round trip sooner.
        RaftClientConfigKeys.Async.Experimental.setSendDummyRequest(p, false);
        // Above the batcher's in-flight cap, so async sends never block the caller on Ratis's semaphore.
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, 1024);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(MAX_ENTRY_BYTES + (2 << 20)));
        return p;
    }

    /** Elections this member started early because its leader's process was gone ({@link CrashedLeaderWatch}). */
    public long crashElections() {
        CrashedLeaderWatch w = crashWatch;
        return w == null ? 0 : w.elections();
    }

    /** Certificates the Raft port refused (peers and clients, both directions) since start; 0 without Raft TLS. */
    public long tlsRefusals() {
        return tlsTrust.map(RefusalLoggingTrustManager::refusals).orElse(0L);
    }

    /** Registers hooks that run when leadership changes. */
    public void addLeadershipListener(LeadershipListener listener) {
        stateMachine.addLeadershipListener(listener);
    }

    /**
     * Serves member messages of {@code kind} when this node leads. A kind with no handler, or one this build does
     * not know, is refused with an answer that says so.
     */
    public void handle(MessageKind kind, Function<byte[], CompletableFuture<byte[]>> handler) {
        if (kind == MessageKind.APPLIED_INDEX) {
            throw new IllegalArgumentException("the state machine serves " + kind + " itself");
        }
        stateMachine.handle(kind, handler);
    }

    /** Why this member stopped applying log entries, if it did (design rule 15); it then serves nothing. */
    public Optional<ApplyFailure> applyFailure() {
        return stateMachine.applyFailure();
    }


    /**
     * Proposes one entry holding {@code commands}. Completes once it is committed on a majority and applied on
     * this node, so a read here right after sees it. Fails with {@link NoLeaderException} when no leader
     * answers within the write deadline.
     */
    public CompletableFuture<Committed> submit(List<Command> commands) {
        if (closed) {
            return CompletableFuture.failedFuture(new NoLeaderException("node is shutting down", null));
        }
        return submitEncoded(EntryCodec.encode(new Entry(0, commands)));
    }

    /** Proposes an entry already encoded; package-private so fault tests can propose what this build cannot read. */
    CompletableFuture<Committed> submitEncoded(byte[] entry) {
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(entry));
        // Only a ready leader proposes in-process: a new leader not yet ready answers LeaderNotReady, which the
        // client path retries (the entry was not appended) and the in-process path would turn into a 503.
        boolean here = isReadyLeader();
        CompletableFuture<RaftClientReply> sent = here
                ? submitHere(message).orTimeout(WRITE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                : client.call(c -> c.async().send(message));
        return sent
                .handle((reply, error) -> {
                    Throwable failure = error != null ? error : reply.isSuccess() ? null : reply.getException();
                    if (failure != null) {
                        // An entry proposed here was handed to this leader's log: nothing proves it did not run.
                        throw new CompletionException(here ? RequestFailures.outcomeUnknown("write", failure)
                                : RequestFailures.appendFailed("write", failure));
                    }
                    return reply;
                })
                .thenCompose(reply -> {
                    List<Result.Code> codes = decodeCodes(reply.getMessage().getContent().toByteArray());
                    long index = reply.getLogIndex();
                    return applied(index).thenApply(ignored -> new Committed(index, codes));
                });
    }

    /** A request to this member's own Ratis server, under its own client id and call ids (see {@link #submitHere}). */
    private RaftClientRequest requestHere(Message message, RaftClientRequest.Type type) {
        return RaftClientRequest.newBuilder()
                .setClientId(localClientId)
                .setServerId(selfId)
                .setGroupId(GROUP_ID)
                .setCallId(localCallIds.incrementAndGet())
                .setMessage(message)
                .setType(type)
                .build();
    }

    /**
     * Proposes on this member, which leads, without a gRPC round trip to itself. Its own client id and call ids keep
     * Ratis's retry cache apart from every other client's. If leadership moved meanwhile the reply says so and the
     * write fails as {@code no_leader}: it is not resent, since it may already be in the log.
     */
    private CompletableFuture<RaftClientReply> submitHere(Message message) {
        RaftClientRequest request = requestHere(message, RaftClientRequest.writeRequestType());
        // Ratis appends under the division's lock and may wait for room in its log queue: never on the caller's
        // thread, which is often an event loop.
        return CompletableFuture.supplyAsync(() -> {
            try {
                return server.submitClientRequestAsync(request);
            } catch (IOException e) {
                return CompletableFuture.<RaftClientReply>failedFuture(e);
            }
        }, this::propose).thenCompose(f -> f);
    }

    /**
     * Completes once this node has applied {@code index}, on a thread of its own rather than the apply thread, so
     * that whatever the caller does next (often: send the next write) never holds up applying.
     */
    public CompletableFuture<Long> applied(long index) {
        return catalog.awaitApplied(index)
                .orTimeout(WRITE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((i, error) -> {
                    if (error != null) {
                        // Committed, but this member lags too far behind to show it: applied, so never "no_leader";
                        // the caller answers 503 unavailable and the client decides (a retried registration is
                        // idempotent).
                        throw new CompletionException(new OutcomeUnknownException("index " + index + " is committed but not "
                                + "yet applied on this member after " + WRITE_DEADLINE.toSeconds() + "s", error));
                    }
                    return i;
                }, this::complete);
    }

    private static List<Result.Code> decodeCodes(byte[] bytes) {
        List<Result.Code> codes = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            codes.add(Result.Code.fromWire(b));
        }
        return codes;
    }

    /**
     * Completes once this node's catalog is as fresh as {@code consistency} asks; the caller then reads the
     * local catalog. Reading local state after the barrier is safe because state only moves forward.
     */
    public CompletableFuture<Long> readBarrier(Consistency consistency) {
        if (consistency == Consistency.STALE) {
            // After a restart from disk this member's state starts at its snapshot, older than what it already
            // served: no stale read until it has caught up, or its reads would go back (design rule 3).
            if (!caughtUpSinceStart()) {
                return CompletableFuture.failedFuture(new CatchingUpException("this member restarted and is catching up: applied "
                        + catalog.appliedIndex() + " of the " + restartCatchUp.lastIndexAtStart() + " entries its log held"));
            }
            return CompletableFuture.completedFuture(catalog.appliedIndex());
        }
        if (consistency == Consistency.CONSISTENT || isLeader()) {
            // Read-index on this very member: it learns the leader's commit index and waits to apply it. On the
            // leader a default read takes the same path: "the leader's state" holds only while it is the leader,
            // which Ratis's leader lease says at no cost (else one heartbeat round). A leader cut off from the
            // majority believes it leads for seconds, and answered default reads from its own state after the
            // new leader had acknowledged writes (fault suite, seed 15); a leader not yet ready (still applying
            // earlier terms' entries after a restart) answered them from its half-replayed catalog (seed 2).
            return readIndex.get().thenCompose(catalog::awaitApplied);
        }
        // A follower that has lost its leader answers at once rather than queueing reads for a leader it cannot
        // reach (on an isolated follower they hung until the client gave up).
        long contact = lastContactMs();
        if (knownLeader().isEmpty() || contact < 0 || contact > leaderLostAfterMs()) {
            return CompletableFuture.failedFuture(new NoLeaderException(knownLeader().isEmpty()
                    ? "this member knows no leader" : "this member has not heard from the leader for " + contact + " ms", null));
        }
        // The leader's applied index, read without a read-index round: "default" is the leader's state.
        return leaderApplied.get().thenCompose(catalog::awaitApplied);
    }

    /**
     * One read-index round on this member, submitted to its own Ratis server in-process (no gRPC call to itself),
     * answering the applied index once this member has applied the read index. Shared by all reads through
     * {@link #readIndex}. Should the in-process round fail other than by its deadline (leader not ready yet,
     * leadership moving), it is made again through the read-index client, which retries across such changes as
     * before.
     */
    private CompletableFuture<Long> readIndexRound() {
        return readHere(APPLIED_INDEX_QUERY)
                .thenApply(r -> appliedIndexOf("read", r, null))
                .exceptionallyCompose(e -> RequestFailures.root(e) instanceof TimeoutException ? CompletableFuture.failedFuture(e)
                        : queryClient.call(c -> c.async().sendReadOnlyUnordered(APPLIED_INDEX_QUERY, selfId))
                                .handle((r, error) -> appliedIndexOf("read", r, error)));
    }

    /** A linearizable read-only request on this very member, in-process: Ratis's lease or read-index path. */
    private CompletableFuture<RaftClientReply> readHere(Message message) {
        RaftClientRequest request = requestHere(message, RaftClientRequest.readRequestType());
        try {
            return server.submitClientRequestAsync(request).orTimeout(WRITE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A member message as Ratis carries it. */
    private static Message memberMessage(MessageKind kind, byte[] payload) {
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(MemberCodec.encode(new MemberMessage(kind, payload))));
    }

    /** Past this silence a follower treats its leader as lost: longer than an election takes to notice. */
    private long leaderLostAfterMs() {
        return 2 * settings.electionTimeout().toMillis();
    }

    private CompletableFuture<Long> askLeaderApplied() {
        return leaderClient.call(c -> c.async().sendReadOnlyNonLinearizable(APPLIED_INDEX_QUERY))
                .handle((r, error) -> appliedIndexOf("read", r, error));
    }

    private static long appliedIndexOf(String what, RaftClientReply r, Throwable error) {
        byte[] payload = answerPayload(what, r, error);
        if (payload.length != 8) {
            throw new NoLeaderException(what + " failed: the leader answered its applied index in " + payload.length + " bytes", null);
        }
        return ByteBuffer.wrap(payload).getLong();
    }

    /** The payload of a member answer, or the failure as this member reports it (not applied: no leader). */
    private static byte[] answerPayload(String what, RaftClientReply r, Throwable error) {
        if (error != null) {
            throw new CompletionException(RequestFailures.noLeader(what, error));
        }
        if (!r.isSuccess()) {
            throw new CompletionException(RequestFailures.noLeader(what, r.getException()));
        }
        MemberAnswer answer;
        try {
            answer = MemberCodec.decodeAnswer(r.getMessage().getContent().toByteArray());
        } catch (MemberCodec.DecodeException e) {
            throw new NoLeaderException(what + " failed: " + e.getMessage(), e);
        }
        if (answer instanceof MemberAnswer.Refused refused) {
            throw new NoLeaderException(what + " refused by the leader: " + refused.message(), null);
        }
        return ((MemberAnswer.Ok) answer).payload();
    }

    /**
     * Sends a member message to the leader's state machine (not logged); it may be resent after a failover, so it
     * is for requests that may run twice (heartbeats).
     */
    public CompletableFuture<byte[]> askLeader(MessageKind kind, byte[] payload) {
        return askLeader(leaderClient, kind, payload).handle((r, error) -> answerPayload("forward", r, error));
    }

    /**
     * Like {@link #askLeader}, but run only by a leader that holds its lease, i.e. has heard from a majority
     * recently enough that no other member can have been elected meanwhile (Ratis's linearizable read: the leader
     * lease, else a read-index round), and after it has applied everything committed before. For requests that act
     * on the leader's memory as the cluster's: a leader cut off from the majority keeps believing it leads for up to
     * seconds, and must not acknowledge heartbeats the new leader never sees, nor answer from a stale catalog that an
     * instance is unknown. May be resent after a failover.
     */
    public CompletableFuture<byte[]> askLeaderHoldingLease(MessageKind kind, byte[] payload) {
        if (kind == MessageKind.APPLIED_INDEX) {
            throw new IllegalArgumentException("use readBarrier for " + kind);
        }
        Message message = memberMessage(kind, payload);
        return leaderClient.call(c -> c.async().sendReadOnly(message)).handle((r, error) -> answerPayload("forward", r, error));
    }

    /**
     * {@link #askLeaderHoldingLease} run on this member, which leads, without a gRPC round trip to itself: the same
     * Ratis linearizable read (the leader lease, else a read-index round), submitted in-process. Fails with
     * {@link NoLeaderException} if this member does not lead (or no longer holds its lease); it is not resent.
     */
    public CompletableFuture<byte[]> askHereHoldingLease(MessageKind kind, byte[] payload) {
        if (kind == MessageKind.APPLIED_INDEX) {
            throw new IllegalArgumentException("use readBarrier for " + kind);
        }
        Message message = memberMessage(kind, payload);
        return readHere(message).handleAsync((r, error) -> answerPayload("heartbeats", r, error), this::complete);
    }

    /**
     * Like {@link #askLeader}, but resent only when the leader provably did not run it: for requests that must not
     * run twice, such as forwarded writes. A request that was sent and got no answer fails with
     * {@link OutcomeUnknownException}, never {@link NoLeaderException}: the leader may have run it.
     */
    public CompletableFuture<byte[]> askLeaderOnce(MessageKind kind, byte[] payload) {
        return askLeader(forwardClient, kind, payload).handle((r, error) -> {
            if (error != null) {
                throw new CompletionException(RequestFailures.queryFailed("forward", error));
            }
            return answerPayload("forward", r, null);
        });
    }

    private CompletableFuture<RaftClientReply> askLeader(RenewingClient via, MessageKind kind, byte[] payload) {
        if (kind == MessageKind.APPLIED_INDEX) {
            throw new IllegalArgumentException("use readBarrier for " + kind);
        }
        // Non-linearizable read-only requests always go to the leader; an unordered read may be served by a
        // follower after a read-index, which would run the message on a member that holds no leases.
        Message message = memberMessage(kind, payload);
        return via.call(c -> c.async().sendReadOnlyNonLinearizable(message));
    }

    private Optional<RaftServer.Division> division() {
        try {
            return server == null ? Optional.empty() : Optional.of(server.getDivision(GROUP_ID));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean isLeader() {
        return division().map(d -> d.getInfo().isLeader()).orElse(false);
    }

    /** Leader and has applied all earlier terms' entries: may act for the cluster (expire leases, etc.). */
    public boolean isReadyLeader() {
        return division().map(d -> d.getInfo().isLeader() && d.getInfo().isLeaderReady()).orElse(false);
    }

    /**
     * The term this member leads in, or 0 if it does not lead. The term is read on both sides of the leader check:
     * equal readings mean this member led in that very term, not merely that it leads now in some later one.
     */
    public long leaderTerm() {
        return division().map(d -> {
            long before = d.getInfo().getCurrentTerm();
            boolean leader = d.getInfo().isLeader();
            long after = d.getInfo().getCurrentTerm();
            return leader && before == after ? after : 0L;
        }).orElse(0L);
    }

    private Optional<RaftPeerId> knownLeader() {
        return division().map(d -> d.getInfo().getLeaderId());
    }

    public Optional<String> leaderId() {
        return knownLeader().map(RaftPeerId::toString);
    }

    /**
     * Milliseconds since this node last heard from a leader; 0 on the leader, -1 if it never has. A leader that lost
     * its term counts from that moment, so a deposed leader's stale reads never look fresh.
     */
    public long lastContactMs() {
        long now = System.nanoTime();
        Optional<Long> fresh = division().flatMap(d -> {
            var info = d.getInfo();
            if (info.isLeader()) {
                return Optional.of(0L);
            }
            var role = info.getRoleInfoProto();
            if (info.getLeaderId() != null && role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
                return Optional.of(role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs());
            }
            return Optional.empty();
        });
        if (fresh.isPresent()) {
            long seen = now - TimeUnit.MILLISECONDS.toNanos(fresh.get());
            if (seen - leaderSeenNanos > 0 || leaderSeenNanos == 0) {
                leaderSeenNanos = seen;
            }
            return fresh.get();
        }
        long seen = leaderSeenNanos;
        return seen == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - seen);
    }

    /** Milliseconds since this node was created. */
    public long uptimeMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createdNanos);
    }

    public ClusterStatus status() {
        Optional<RaftServer.Division> d = division();
        if (d.isEmpty()) {
            return new ClusterStatus(settings.id(), Optional.empty(), 0, "STARTING", catalog.appliedIndex(), -1, List.of());
        }
        var info = d.get().getInfo();
        var role = info.getRoleInfoProto();
        Map<String, Long> contact = new HashMap<>();
        if (role.hasLeaderInfo()) {
            for (RaftProtos.ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                contact.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
            }
        }
        Map<String, Long> commits = new HashMap<>();
        for (RaftProtos.CommitInfoProto c : d.get().getCommitInfos()) {
            commits.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
        }
        long term = info.getCurrentTerm();
        Optional<String> leader = Optional.ofNullable(info.getLeaderId()).map(RaftPeerId::toString)
                .filter(id -> ledThisTerm(id, term));
        List<ClusterStatus.MemberStatus> members = new ArrayList<>();
        for (RaftPeer peer : d.get().getRaftConf().getCurrentPeers()) {
            String id = peer.getId().toString();
            boolean self = id.equals(settings.id());
            String memberRole = leader.filter(id::equals).isPresent() ? "leader" : "follower";
            boolean isLeaderRow = leader.filter(id::equals).isPresent();
            // The leader knows when it last heard from each follower; a follower knows it only for the leader.
            long lastContact = self ? (info.isLeader() ? 0 : lastContactMs())
                    : isLeaderRow && !info.isLeader() ? lastContactMs() : contact.getOrDefault(id, -1L);
            long applied = self ? catalog.appliedIndex() : commits.getOrDefault(id, -1L);
            members.add(new ClusterStatus.MemberStatus(id, peer.getAddress(), memberRole, lastContact, applied));
        }
        members.sort(java.util.Comparator.comparing(ClusterStatus.MemberStatus::id));
        return new ClusterStatus(settings.id(), leader, term, info.getCurrentRole().name().toLowerCase(),
                catalog.appliedIndex(), lastContactMs(), members);
    }

    /** Whether {@code id} was announced leader in {@code term} (an announcement before start carries no term: trusted). */
    private boolean ledThisTerm(String id, long term) {
        LeaderSighting s = sighting;
        return s != null && s.leader().equals(id) && (s.term() == term || s.term() == -1);
    }

    private record LeaderSighting(String leader, long term) {
    }

    /**
     * Whether this member, if it restarted from disk, has applied at least what it had applied before (see
     * {@link RestartCatchUp}); always true for a member that started empty.
     */
    public boolean caughtUpSinceStart() {
        var applied = stateMachine.getLastAppliedTermIndex();
        return restartCatchUp.caughtUp(catalog.appliedIndex(), applied == null ? 0 : applied.getTerm());
    }

    /** Commit index this node knows; used to decide whether it has applied what it was sent. */
    public long commitIndex() {
        return division().map(d -> d.getRaftLog().getLastCommittedIndex()).orElse(0L);
    }

    /** Forces a snapshot on this member now, whatever the creation gap (used by tests and operators). */
    public long takeSnapshot() throws IOException {
        RaftClientReply reply = admin(c -> c.getSnapshotManagementApi(selfId).create(true, 30_000));
        if (!reply.isSuccess()) {
            throw new IOException("snapshot failed", reply.getException());
        }
        return reply.getLogIndex();
    }

    public void transferLeadership(String to, Duration timeout) throws IOException {
        RaftClientReply reply = admin(c -> c.admin().transferLeadership(to == null ? null : RaftPeerId.valueOf(to), timeout.toMillis()));
        if (!reply.isSuccess()) {
            throw new IOException("leadership transfer failed", reply.getException());
        }
    }

    /**
     * Hands leadership to the most up-to-date follower by name (design rule 13), so it takes over at once instead
     * of waiting out an election timeout: {@code transferLeadership(null)} only steps down. Returns the member now
     * leading, or empty if this member was not leading or had no follower to hand to.
     */
    public Optional<String> handOverLeadership(Duration timeout) throws IOException {
        Optional<String> target = mostUpToDateFollower();
        if (target.isEmpty()) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        transferLeadership(target.get(), timeout);
        LOG.info("Handed leadership over to {} in {} ms", target.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return target;
    }

    /** On the leader: the follower that has the most of the log, then the one heard from most recently. */
    Optional<String> mostUpToDateFollower() {
        return division().filter(d -> d.getInfo().isLeader()).flatMap(d -> {
            var info = d.getInfo();
            long[] match = info.getFollowerMatchIndices();
            List<RaftProtos.ServerRpcProto> followers = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
            List<FollowerProgress> progress = new ArrayList<>();
            // Both come from the leader's list of log appenders, in its order; a membership change in between
            // leaves them of different lengths, and then only ids are trusted.
            var voters = d.getRaftConf().getCurrentPeers().stream().map(p -> p.getId().toString()).toList();
            for (int i = 0; i < followers.size(); i++) {
                String id = followers.get(i).getId().getId().toStringUtf8();
                if (voters.contains(id)) {
                    progress.add(new FollowerProgress(id, match.length == followers.size() ? match[i] : 0,
                            followers.get(i).getLastRpcElapsedTimeMs()));
                }
            }
            return FollowerProgress.best(progress);
        });
    }

    /** Snapshots this member received from a leader (InstallSnapshot) since it started. */
    public long installedSnapshots() {
        return stateMachine.installedSnapshots();
    }

    public List<RaftPeer> currentPeers() {
        return division().map(d -> List.copyOf(d.getRaftConf().getCurrentPeers())).orElse(List.of());
    }

    /** Changes the voting membership (Raft configuration change through the leader). */
    public void setMembers(List<RaftSettings.Peer> peers) throws IOException {
        List<RaftPeer> list = peers.stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build())
                .toList();
        RaftClientReply reply = admin(c -> c.admin().setConfiguration(list));
        if (!reply.isSuccess()) {
            throw new IOException("configuration change failed", reply.getException());
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        // The server first and whatever happens to the clients: a member that is gone must stop voting and
        // acknowledging entries, or a "dead" member still makes up a majority. Requests failing meanwhile must not
        // build new clients.
        crashWatchThread.shutdownNow();
        RenewingClient[] clients = {client, leaderClient, queryClient, forwardClient};
        for (RenewingClient c : clients) {
            if (c != null) {
                c.stopRenewing();
            }
        }
        Optional<RaftServer.Division> d = division();
        try {
            if (server != null) {
                server.close();
                // Ratis closes the group's division asynchronously; wait, so that a restart on the same data dir
                // (or the test that just killed this member) finds it really stopped.
                awaitClosed(d);
            }
        } finally {
            for (RenewingClient c : clients) {
                if (c != null) {
                    c.closeQuietly();
                }
            }
            clientCloser.shutdownNow();
            sendThreads.forEach(java.util.concurrent.ExecutorService::shutdown);
            completionThread.shutdown();
            proposeThread.shutdown();
        }
        LOG.info("Raft member {} stopped", settings.id());
    }

    private static void awaitClosed(Optional<RaftServer.Division> division) {
        if (division.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (division.get().getInfo().getLifeCycleState() != org.apache.ratis.util.LifeCycle.State.CLOSED) {
            if (System.nanoTime() > deadline) {
                LOG.warn("Raft division still {} {} after close", division.get().getInfo().getLifeCycleState(), CLOSE_WAIT);
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
