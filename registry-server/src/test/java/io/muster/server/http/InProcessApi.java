package io.muster.server.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.muster.server.acl.AclGuard;
import io.muster.server.acl.AclResolver;
import io.muster.server.acl.AclSettings;
import io.muster.server.check.AddressPolicy;
import io.muster.server.check.CheckTargets;
import io.muster.server.lease.HeartbeatRouter;
import io.muster.server.lease.LeaseManager;
import io.muster.server.lease.LeaseReads;
import io.muster.server.lease.LeaseSettings;
import io.muster.server.limit.ClientCounter;
import io.muster.server.limit.ConnectionGuard;
import io.muster.server.limit.LimitMetrics;
import io.muster.server.limit.LimitSettings;
import io.muster.server.limit.RateLimiter;
import io.muster.server.time.Ticker;
import io.muster.server.watch.WatchHub;
import io.muster.server.write.WriteBatcher;
import io.muster.server.write.WriteRouter;
import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.Result;
import io.muster.store.message.MessageKind;
import io.muster.store.model.Member;
import io.muster.store.raft.ApplyFailure;
import io.muster.store.raft.ClusterAdmin;
import io.muster.store.raft.ClusterStatus;
import io.muster.store.raft.Committed;
import io.muster.store.raft.Consistency;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.LeadershipListener;
import io.muster.store.raft.MemberChannel;
import io.muster.store.raft.Proposals;
import io.muster.store.raft.RaftSettings;
import io.muster.store.raft.ReadBarrier;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The real HTTP API of one member (the router, parsers, limits, ACL guard and handlers of {@link HttpApi}, the real
 * {@link WriteRouter}, {@link WriteBatcher}, {@link HeartbeatRouter} and {@link LeaseManager}) on a real loopback
 * Vert.x server in this JVM, with no Raft: the state is a real {@link Catalog}, and the Raft ports are fakes in which
 * this member is always the ready leader of term {@link #TERM}. A proposal is applied straight to the catalog, in
 * order, on one "apply" thread, at the next index and at the fixed leader time {@link #LEADER_TIME}; read barriers
 * complete at once; the cluster admin reports a fixed membership (one member unless told otherwise).
 *
 * <p>For tests of parsing and validation, where a three-member cluster only adds seconds and noise. What it cannot
 * show: forwarding from a follower, leader changes, replication. Not thread-safe to start or close concurrently.
 */
final class InProcessApi implements AutoCloseable {
    /** The one term this member leads in. */
    static final long TERM = 1;
    /** The leader's clock, stamped into every entry and read by every component that reads a wall clock. */
    static final long LEADER_TIME = 1_800_000_000_000L;

    private final List<String> memberIds;
    private final Catalog catalog = new Catalog();
    private final FakePorts raft;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(LEADER_TIME), ZoneOffset.UTC);
    private Vertx vertx;
    private HttpListeners http;
    private CheckTargets checkTargets;
    private LeaseManager leases;

    /** One member, {@code n1}. */
    InProcessApi() {
        this(List.of("n1"));
    }

    /** @param memberIds the voting members the cluster admin reports; this member is the first, and leads */
    InProcessApi(List<String> memberIds) {
        this.memberIds = List.copyOf(memberIds);
        this.raft = new FakePorts(this.memberIds);
    }

    InProcessApi start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        LimitSettings limitSettings = LimitSettings.defaults();
        checkTargets = new CheckTargets(AddressPolicy.allowing(limitSettings.checkAllow()), CheckTargets.SYSTEM, meters);
        WatchHub watches = new WatchHub(vertx);
        catalog.addListener(watches);
        leases = LeaseManager.onRaft(catalog, raft, raft, LeaseSettings.defaults(), Ticker.system(), clock, meters);
        HeartbeatRouter heartbeats = new HeartbeatRouter(LeaseReads.over(raft, raft), leases, clock, meters);
        WriteRouter writes = new WriteRouter(raft, raft, raft, new WriteBatcher(raft, 512, 2, meters), clock, meters);
        raft.handle(MessageKind.FORWARDED_WRITES, writes::serveForwarded);
        raft.handle(MessageKind.FORWARDED_HEARTBEATS, heartbeats::serveForwarded);
        raft.handle(MessageKind.HEARTBEATS_BEFORE_DEADLINE, heartbeats::serveBeforeDeadline);
        var limitMetrics = new LimitMetrics(meters);
        var rate = new RateLimiter(limitSettings.rateLimit(), limitSettings.rateBurst(), System::nanoTime);
        var connections = new ConnectionGuard(vertx, new ClientCounter(limitSettings.maxConnectionsPerClient(),
                limitSettings.maxConnections()), limitSettings.httpIdleTimeout().toMillis(), limitMetrics);
        var limits = new HttpLimits(limitSettings, checkTargets, rate,
                new ClientCounter(limitSettings.maxBlockingQueriesPerClient(), limitSettings.maxBlockingQueries()),
                connections, limitMetrics);
        var acl = new AclGuard(new AclResolver(catalog, AclSettings.OFF), meters);
        var router = HttpApi.router(vertx, new HttpApi.Ports(catalog, raft, raft, raft, raft, raft), writes, heartbeats,
                watches, leases, meters, meters::scrape, () -> false, limits, acl);
        // As MusterServer configures its listeners.
        HttpServerOptions options = new HttpServerOptions().setMaxInitialLineLength(8192).setMaxHeaderSize(16384)
                .setHttp2ClearTextEnabled(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        http = await(HttpListeners.listen(vertx, () -> vertx.createHttpServer(options)
                .connectionHandler(connections)
                .requestHandler(router)
                .invalidRequestHandler(HttpApi::invalidRequest), 2, "127.0.0.1", 0));
        // What a starting cluster does before the tests' snapshot: the lease manager records its takeover (the
        // subscription above promoted it), and every member publishes its addresses.
        awaitApplied(1);
        List<Command> publish = new ArrayList<>();
        for (String id : memberIds) {
            publish.add(new Command.PublishMember(new Member(id, "127.0.0.1:" + port(), "127.0.0.1:0")));
        }
        raft.submit(publish).join();
        return this;
    }

    private void awaitApplied(long index) {
        try {
            catalog.awaitApplied(index).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("nothing applied at index " + index + ": " + e, e);
        }
    }

    int port() {
        return http.actualPort();
    }

    /** This member's id, the leader's. */
    String id() {
        return memberIds.get(0);
    }

    /** The leader the cluster admin reports: moves only if a leadership transfer got through. */
    String leaderId() {
        return raft.reportedLeader;
    }

    /** The raft address the cluster admin reports for a member. */
    String raftAddress(String id) {
        return raft.raftAddress(id);
    }

    /** The state: what the tests must find unchanged after bad input. */
    Catalog catalog() {
        return catalog;
    }

    /** Every command list proposed, in order (the takeover and the members' addresses first). */
    List<List<Command>> proposed() {
        return List.copyOf(raft.proposed);
    }

    @Override
    public void close() {
        if (http != null) {
            await(http.close());
        }
        if (leases != null) {
            leases.close();
        }
        if (checkTargets != null) {
            checkTargets.close();
        }
        raft.close();
        if (vertx != null) {
            await(vertx.close());
        }
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The Raft side, faked: a log of one member that commits what it is given. */
    private final class FakePorts implements Proposals, Leadership, ReadBarrier, MemberChannel, ClusterAdmin {
        private final ExecutorService applyThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "in-process-apply");
            t.setDaemon(true);
            return t;
        });
        private final long created = System.nanoTime();
        private final Map<MessageKind, Function<byte[], CompletableFuture<byte[]>>> handlers = new ConcurrentHashMap<>();
        private final List<List<Command>> proposed = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile List<RaftSettings.Peer> peers;
        private volatile String reportedLeader;
        private long index;

        FakePorts(List<String> ids) {
            List<RaftSettings.Peer> p = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                p.add(new RaftSettings.Peer(ids.get(i), "127.0.0.1:" + (18700 + i)));
            }
            peers = List.copyOf(p);
            reportedLeader = ids.get(0);
        }

        String raftAddress(String id) {
            return peers.stream().filter(p -> p.id().equals(id)).map(RaftSettings.Peer::raftAddress).findFirst().orElseThrow();
        }

        void close() {
            applyThread.shutdownNow();
        }

        // ---- Proposals: applied in order, on the apply thread, at the next index ----

        @Override
        public CompletableFuture<Committed> submit(List<Command> commands) {
            List<Command> copy = List.copyOf(commands);
            return CompletableFuture.supplyAsync(() -> {
                proposed.add(copy);
                long at = ++index;
                List<Result> results = catalog.apply(at, TERM, new Entry(LEADER_TIME, copy));
                return new Committed(at, results.stream().map(Result::code).toList());
            }, applyThread);
        }

        @Override
        public CompletableFuture<Long> applied(long index) {
            return catalog.awaitApplied(index);
        }

        // ---- Leadership: always the ready leader ----

        @Override
        public String id() {
            return memberIds.get(0);
        }

        @Override
        public boolean isLeader() {
            return true;
        }

        @Override
        public boolean isReadyLeader() {
            return true;
        }

        @Override
        public long leaderTerm() {
            return TERM;
        }

        @Override
        public Optional<String> leaderId() {
            return Optional.of(id());
        }

        @Override
        public void addLeadershipListener(LeadershipListener listener) {
            // Leadership never moves here.
        }

        // ---- ReadBarrier: this member's catalog is the leader's ----

        @Override
        public CompletableFuture<Long> readBarrier(Consistency consistency) {
            return CompletableFuture.completedFuture(catalog.appliedIndex());
        }

        @Override
        public long lastContactMs() {
            return 0;
        }

        @Override
        public long uptimeMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - created);
        }

        @Override
        public long commitIndex() {
            return catalog.appliedIndex();
        }

        @Override
        public boolean caughtUpSinceStart() {
            return true;
        }

        @Override
        public Optional<ApplyFailure> applyFailure() {
            return Optional.empty();
        }

        // ---- MemberChannel: only "here" (this member leads); nothing is ever sent to another member ----

        @Override
        public void handle(MessageKind kind, Function<byte[], CompletableFuture<byte[]>> handler) {
            handlers.put(kind, handler);
        }

        @Override
        public CompletableFuture<byte[]> askHereHoldingLease(MessageKind kind, byte[] payload) {
            var handler = handlers.get(kind);
            if (handler == null) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unknown member message kind " + kind));
            }
            return CompletableFuture.supplyAsync(() -> handler.apply(payload), applyThread).thenCompose(f -> f);
        }

        @Override
        public CompletableFuture<byte[]> askLeader(MessageKind kind, byte[] payload) {
            return notForwarded(kind);
        }

        @Override
        public CompletableFuture<byte[]> askLeaderOnce(MessageKind kind, byte[] payload) {
            return notForwarded(kind);
        }

        @Override
        public CompletableFuture<byte[]> askLeaderHoldingLease(MessageKind kind, byte[] payload) {
            return notForwarded(kind);
        }

        private CompletableFuture<byte[]> notForwarded(MessageKind kind) {
            return CompletableFuture.failedFuture(new AssertionError("the in-process leader forwarded " + kind));
        }

        // ---- ClusterAdmin: a fixed membership, which a change that got through would still move ----

        @Override
        public ClusterStatus status() {
            List<ClusterStatus.MemberStatus> members = new ArrayList<>();
            for (RaftSettings.Peer p : peers) {
                boolean leads = p.id().equals(reportedLeader);
                members.add(new ClusterStatus.MemberStatus(p.id(), p.raftAddress(), leads ? "leader" : "follower",
                        0, catalog.appliedIndex()));
            }
            return new ClusterStatus(id(), Optional.of(reportedLeader), TERM, "leader", catalog.appliedIndex(), 0, members);
        }

        @Override
        public List<RaftSettings.Peer> peers() {
            return peers;
        }

        @Override
        public void setMembers(List<RaftSettings.Peer> peers) {
            this.peers = List.copyOf(peers);
        }

        @Override
        public void transferLeadership(String to, Duration timeout) {
            reportedLeader = to;
        }

        @Override
        public Optional<String> handOverLeadership(Duration timeout) {
            return Optional.empty();
        }

        @Override
        public long takeSnapshot() {
            return catalog.appliedIndex();
        }

        @Override
        public long tlsRefusals() {
            return 0;
        }

        @Override
        public long crashElections() {
            return 0;
        }
    }
}
