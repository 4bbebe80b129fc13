package io.muster.store.raft;

import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
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
import org.apache.ratis.retry.RetryPolicies;
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
public final class RaftNode implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    /** Stable across restarts: Ratis keeps each group's storage under a directory named after this id. */
    public static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("muster-registry".getBytes()));
    /** How long a write or leader-bound request may take before it answers {@code no_leader}. */
    public static final Duration WRITE_DEADLINE = Duration.ofSeconds(8);
    /** How often, and how far apart, the Raft clients resend a request while looking for the leader. */
    private static final int RETRY_ATTEMPTS = 40;
    private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
    private static final org.apache.ratis.retry.RetryPolicy RETRY_ALL =
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(RETRY_ATTEMPTS, RETRY_SLEEP);
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
    private RaftGroup startingGroup;
    private volatile boolean closed;

    public RaftNode(RaftSettings settings, Catalog catalog) {
        this.settings = settings;
        this.catalog = catalog;
        this.stateMachine = new CatalogStateMachine(catalog, settings.clock(), this::leaderTerm);
        this.selfId = RaftPeerId.valueOf(settings.id());
        this.completionThread = daemonThread(settings.id() + "-write-completions");
        this.proposeThread = daemonThread(settings.id() + "-proposals");
        this.clientCloser = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                daemon(settings.id() + "-raft-client-closer"));
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

    public Catalog catalog() {
        return catalog;
    }

    public void start() throws IOException {
        List<RaftPeer> peers = settings.peers().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build())
                .toList();
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers);
        startingGroup = group;
        RaftProperties props = serverProperties();
        server = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setProperties(props)
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        client = renewing("writes", () -> newClient(group, RETRY_ALL));
        leaderClient = renewing("leader-queries", () -> newClient(group, RETRY_ALL));
        queryClient = renewing("read-index", () -> newClient(group, RETRY_ALL));
        forwardClient = renewing("forwarded-writes", () -> newClient(group, RaftNode::retryIfNotRun));
        LOG.info("Raft member {} started at {} (group {}, peers {})", settings.id(), settings.raftAddress(),
                GROUP_ID.getUuid(), settings.peers());
    }

    private RenewingClient renewing(String name, java.util.function.Supplier<RaftClient> factory) {
        return new RenewingClient(name, WRITE_DEADLINE, factory, this::knownLeader, clientCloser);
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
        knownLeader().filter(id -> group.getPeer(id) != null).ifPresent(b::setLeaderId);
        return b.build();
    }

    private static org.apache.ratis.retry.RetryPolicy.Action retryIfNotRun(org.apache.ratis.retry.RetryPolicy.Event event) {
        Throwable cause = event.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        boolean notRun = cause instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
                || cause instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
        return notRun && event.getAttemptCount() < RETRY_ATTEMPTS ? () -> RETRY_SLEEP
                : org.apache.ratis.retry.RetryPolicy.NO_RETRY_ACTION;
    }

    private RaftProperties serverProperties() {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(settings.dataDir().resolve("raft").toFile()));
        String address = settings.raftAddress();
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        GrpcConfigKeys.Server.setHost(p, host);
        GrpcConfigKeys.Server.setPort(p, Integer.parseInt(address.substring(colon + 1)));
        long min = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
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

    private static RaftProperties clientProperties() {
        RaftProperties p = new RaftProperties();
        // Above the batcher's in-flight cap, so async sends never block the caller on Ratis's semaphore.
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, 1024);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(MAX_ENTRY_BYTES + (2 << 20)));
        return p;
    }

    /** Registers hooks that run when leadership changes. */
    public void addLeadershipListener(LeadershipListener listener) {
        stateMachine.addLeadershipListener(listener);
    }

    /** Serves extension queries (for example forwarded heartbeats) when this node is leader. */
    public void setExtensionHandler(Function<byte[], CompletableFuture<byte[]>> handler) {
        stateMachine.setExtensionHandler(handler);
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
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(EntryCodec.encode(new Entry(0, commands))));
        // Only a ready leader proposes in-process: a new leader not yet ready answers LeaderNotReady, which the
        // client path retries (the entry was not appended) and the in-process path would turn into a 503.
        CompletableFuture<RaftClientReply> sent = isReadyLeader()
                ? submitHere(message).orTimeout(WRITE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                : client.call(c -> c.async().send(message));
        return sent
                .handle((reply, error) -> {
                    if (error != null) {
                        throw new CompletionException(noLeader("write", error));
                    }
                    if (!reply.isSuccess()) {
                        throw new CompletionException(noLeader("write", reply.getException()));
                    }
                    return reply;
                })
                .thenCompose(reply -> {
                    List<Result.Code> codes = decodeCodes(reply.getMessage().getContent().toByteArray());
                    long index = reply.getLogIndex();
                    return applied(index).thenApply(ignored -> new Committed(index, codes));
                });
    }

    /**
     * Proposes on this member, which leads, without a gRPC round trip to itself. Its own client id and call ids keep
     * Ratis's retry cache apart from every other client's. If leadership moved meanwhile the reply says so and the
     * write fails as {@code no_leader}: it is not resent, since it may already be in the log.
     */
    private CompletableFuture<RaftClientReply> submitHere(Message message) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(localClientId)
                .setServerId(selfId)
                .setGroupId(GROUP_ID)
                .setCallId(localCallIds.incrementAndGet())
                .setMessage(message)
                .setType(RaftClientRequest.writeRequestType())
                .build();
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
                        // Committed, but this member lags too far behind to show it: the caller answers 503 and
                        // the client decides (a retried registration is idempotent).
                        throw new CompletionException(new NoLeaderException("index " + index + " is committed but not yet "
                                + "applied on this member after " + WRITE_DEADLINE.toSeconds() + "s", error));
                    }
                    return i;
                }, this::complete);
    }

    private static List<Result.Code> decodeCodes(byte[] bytes) {
        Result.Code[] all = Result.Code.values();
        List<Result.Code> codes = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            codes.add(all[b]);
        }
        return codes;
    }

    /**
     * Completes once this node's catalog is as fresh as {@code consistency} asks; the caller then reads the
     * local catalog. Reading local state after the barrier is safe because state only moves forward.
     */
    public CompletableFuture<Long> readBarrier(Consistency consistency) {
        if (consistency == Consistency.STALE) {
            return CompletableFuture.completedFuture(catalog.appliedIndex());
        }
        Message query = Message.valueOf(UnsafeByteOperations.unsafeWrap(new byte[] {CatalogStateMachine.QUERY_APPLIED_INDEX}));
        CompletableFuture<RaftClientReply> reply;
        if (consistency == Consistency.CONSISTENT) {
            // Read-index on this very member: it learns the leader's commit index and waits to apply it.
            reply = queryClient.call(c -> c.async().sendReadOnlyUnordered(query, selfId));
        } else if (isLeader()) {
            return CompletableFuture.completedFuture(catalog.appliedIndex());
        } else {
            // The leader's applied index, read without a read-index round: "default" is the leader's state.
            reply = leaderClient.call(c -> c.async().sendReadOnlyNonLinearizable(query));
        }
        return reply
                .handle((r, error) -> {
                    if (error != null) {
                        throw new CompletionException(noLeader("read", error));
                    }
                    if (!r.isSuccess()) {
                        throw new CompletionException(noLeader("read", r.getException()));
                    }
                    return ByteBuffer.wrap(r.getMessage().getContent().toByteArray()).getLong();
                })
                .thenCompose(catalog::awaitApplied);
    }

    /**
     * Sends an extension query to the leader's state machine (not logged); it may be resent after a failover. The
     * leader's extension handler receives {@code kind} followed by {@code payload}, so that several kinds of query
     * can share it.
     */
    public CompletableFuture<byte[]> askLeader(byte kind, byte[] payload) {
        return askLeader(leaderClient, kind, payload);
    }

    /**
     * Like {@link #askLeader(byte, byte[])}, but resent only when the leader provably did not run it: for requests
     * that must not run twice, such as forwarded writes.
     */
    public CompletableFuture<byte[]> askLeaderOnce(byte kind, byte[] payload) {
        return askLeader(forwardClient, kind, payload);
    }

    private CompletableFuture<byte[]> askLeader(RenewingClient via, byte kind, byte[] payload) {
        byte[] msg = new byte[payload.length + 2];
        msg[0] = CatalogStateMachine.QUERY_EXTENSION;
        msg[1] = kind;
        System.arraycopy(payload, 0, msg, 2, payload.length);
        // Non-linearizable read-only requests always go to the leader; an unordered read may be served by a
        // follower after a read-index, which would run the extension on a member that holds no leases.
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(msg));
        return via.call(c -> c.async().sendReadOnlyNonLinearizable(message))
                .handle((r, error) -> {
                    if (error != null) {
                        throw new CompletionException(noLeader("forward", error));
                    }
                    if (!r.isSuccess()) {
                        throw new CompletionException(noLeader("forward", r.getException()));
                    }
                    return r.getMessage().getContent().toByteArray();
                });
    }

    private static NoLeaderException noLeader(String what, Throwable cause) {
        Throwable root = cause;
        while ((root instanceof CompletionException || root instanceof java.util.concurrent.ExecutionException)
                && root.getCause() != null) {
            root = root.getCause();
        }
        String reason = root instanceof TimeoutException ? "timed out waiting for a leader" : String.valueOf(root);
        return new NoLeaderException(what + " failed: " + reason, root);
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

    /** Milliseconds since this node last heard from the leader; 0 on the leader, -1 if it never has. */
    public long lastContactMs() {
        return division().map(d -> {
            var info = d.getInfo();
            if (info.isLeader()) {
                return 0L;
            }
            var role = info.getRoleInfoProto();
            if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
                return role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
            }
            return -1L;
        }).orElse(-1L);
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
        Optional<String> leader = Optional.ofNullable(info.getLeaderId()).map(RaftPeerId::toString);
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
        return new ClusterStatus(settings.id(), leader, info.getCurrentTerm(), info.getCurrentRole().name().toLowerCase(),
                catalog.appliedIndex(), lastContactMs(), members);
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
