package io.muster.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.muster.server.acl.AclBootstrap;
import io.muster.server.acl.AclGuard;
import io.muster.server.acl.AclResolver;
import io.muster.server.http.HttpApi;
import io.muster.server.lease.HeartbeatRouter;
import io.muster.server.lease.LeaseManager;
import io.muster.server.metrics.RaftMetrics;
import io.muster.server.watch.WatchHub;
import io.muster.server.write.WriteBatcher;
import io.muster.server.write.WriteRouter;
import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.CatalogView;
import io.muster.store.command.Command;
import io.muster.store.model.Member;
import io.muster.store.raft.ClusterAdmin;
import io.muster.store.raft.RaftClusterAdmin;
import io.muster.store.raft.RaftNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Muster process: a Raft member with its HTTP API, leases and metrics. {@link #close()} is graceful. */
public final class MusterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MusterServer.class);
    /** Vert.x event loops, each carrying an HTTP server (DNS shares them): one per core of the 2-core hosts we size for. */
    private static final int EVENT_LOOPS = 2;

    private final ServerConfig config;
    private final Clock clock;
    /** Read-only here: the Raft node's state machine is the only writer. */
    private final CatalogView catalog;
    /** The one Ratis adapter; the features get its ports (Proposals, Leadership, ReadBarrier, MemberChannel). */
    private final RaftNode node;
    private final ClusterAdmin admin;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Vertx vertx;
    private io.muster.server.http.HttpListeners http;
    private io.vertx.ext.web.Router router;
    private LeaseManager leases;
    private io.muster.server.check.CheckScheduler checks;
    private io.muster.server.check.CheckTargets checkTargets;
    private io.muster.server.check.CheckTargets.Resolver resolver = io.muster.server.check.CheckTargets.SYSTEM;
    private WatchHub watches;
    private io.muster.server.dns.DnsServer dns;
    private volatile boolean shuttingDown;
    private volatile boolean closed;
    private Thread publisher;
    private AclBootstrap bootstrap;

    public MusterServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    public MusterServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.node = new RaftNode(config.raftSettings(clock), new Catalog());
        this.catalog = node.catalog();
        this.admin = new RaftClusterAdmin(node);
    }

    /** Replaces name resolution for check targets (tests: a name that resolves to a refused address). Before start. */
    public MusterServer checkResolver(io.muster.server.check.CheckTargets.Resolver resolver) {
        this.resolver = resolver;
        return this;
    }

    /** The HTTP API's route table, for tests that compare it with the OpenAPI document. */
    public io.vertx.ext.web.Router httpRouter() {
        return router;
    }

    public MusterServer start() throws IOException {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS).setWorkerPoolSize(8));
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        checkTargets = new io.muster.server.check.CheckTargets(new io.muster.server.check.AddressPolicy(
                config.limits().checkAllow(), new MemberPorts(config, admin, catalog)::current, MemberPorts::localAddresses),
                resolver, meters);
        watches = new WatchHub(vertx);
        catalog.addListener(watches);
        node.start();
        new RaftMetrics(catalog, node, node, admin, meters);
        leases = LeaseManager.onRaft(catalog, node, node, config.leases(), io.muster.server.time.Ticker.system(), clock, meters);
        HeartbeatRouter heartbeats = new HeartbeatRouter(io.muster.server.lease.LeaseReads.over(node, node), leases, clock, meters);
        WriteRouter writes = new WriteRouter(node, node, node, new WriteBatcher(node, config.writeBatch(), config.writeInFlight(), meters), clock, meters);
        node.handle(io.muster.store.message.MessageKind.FORWARDED_WRITES, writes::serveForwarded);
        node.handle(io.muster.store.message.MessageKind.FORWARDED_HEARTBEATS, heartbeats::serveForwarded);
        node.handle(io.muster.store.message.MessageKind.HEARTBEATS_BEFORE_DEADLINE, heartbeats::serveBeforeDeadline);
        var selfPreservation = new io.muster.server.lease.SelfPreservationQuery(node, node, leases);
        node.handle(io.muster.store.message.MessageKind.SELF_PRESERVATION, selfPreservation::serve);
        var httpPorts = new HttpApi.Ports(catalog, node, node, node, node, admin);
        io.micrometer.core.instrument.Gauge.builder("muster_blocking_queries", watches::waiting)
                .description("blocking queries parked on this node").register(meters);
        var limitSettings = config.limits();
        var limitMetrics = new io.muster.server.limit.LimitMetrics(meters);
        var rate = new io.muster.server.limit.RateLimiter(limitSettings.rateLimit(), limitSettings.rateBurst(), System::nanoTime);
        if (rate.enabled()) {
            // Quiet clients' buckets are full again: forgetting them changes nothing and bounds the map.
            vertx.setPeriodic(10_000, id -> rate.sweep());
        }
        var connections = new io.muster.server.limit.ConnectionGuard(vertx, new io.muster.server.limit.ClientCounter(
                limitSettings.maxConnectionsPerClient(), limitSettings.maxConnections()),
                limitSettings.httpIdleTimeout().toMillis(), limitMetrics);
        var httpLimits = new io.muster.server.http.HttpLimits(limitSettings, checkTargets, rate,
                new io.muster.server.limit.ClientCounter(limitSettings.maxBlockingQueriesPerClient(), limitSettings.maxBlockingQueries()),
                connections, limitMetrics);
        io.micrometer.core.instrument.Gauge.builder("muster_http_connections", connections::open)
                .description("HTTP connections open on this node").register(meters);
        AclResolver acl = new AclResolver(catalog, config.acl());
        router = HttpApi.router(vertx, httpPorts, writes, heartbeats, watches, leases, meters, meters::scrape, () -> shuttingDown, httpLimits,
                new AclGuard(acl, meters));
        // Plain HTTP/1.1 (the contract's API): no h2c upgrade or WebSocket compression handlers in every pipeline.
        HttpServerOptions httpOptions = new HttpServerOptions().setMaxInitialLineLength(8192).setMaxHeaderSize(16384)
                .setHttp2ClearTextEnabled(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        config.httpTls().ifPresent(tls -> tls.applyTo(httpOptions));
        var tlsRefusals = new io.muster.server.tls.HttpTlsRefusals(meters);
        http = await(io.muster.server.http.HttpListeners.listen(vertx, () -> vertx.createHttpServer(httpOptions)
                .exceptionHandler(tlsRefusals::onConnectionError)
                .connectionHandler(connections)
                .requestHandler(router)
                .invalidRequestHandler(HttpApi::invalidRequest), EVENT_LOOPS, config.http().host(), config.http().port()));
        if (config.dns().port() != 0) {
            // DNS answers as a request without a token would (docs/acl.md).
            dns = new io.muster.server.dns.DnsServer(vertx, catalog, config.dnsDomain(), config.dnsTtl(), meters,
                    service -> acl.anonymous().rules().service(service).allows(io.muster.store.acl.Access.READ),
                    node::caughtUpSinceStart);
            await(dns.start(config.dns().host(), config.dns().port()));
        }
        leases.start();
        bootstrap = new AclBootstrap(catalog, node, node, vertx, config.acl());
        bootstrap.start();
        checks = new io.muster.server.check.CheckScheduler(catalog, node, node, node, admin, vertx, config.checks(), checkTargets, io.muster.server.time.Ticker.system(), meters);
        checks.start();
        publisher = new Thread(this::publishSelf, "muster-publish-" + config.id());
        publisher.setDaemon(true);
        publisher.start();
        LOG.info("Muster member {} serving {} on {} (Raft {}, data {})", config.id(),
                config.httpTls().map(io.muster.server.tls.HttpTls::describe).orElse("HTTP"), config.http(), config.raft(), config.dataDir());
        return this;
    }

    /** Publishes this member's addresses into the catalog once a leader accepts them, so peers can list them. */
    private void publishSelf() {
        Member me = new Member(config.id(), config.advertiseHttp(), config.dns().toString());
        while (!closed) {
            if (me.equals(catalog.members().get(config.id()))) {
                return;
            }
            try {
                node.submit(List.of(new Command.PublishMember(me))).get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    public RaftNode node() {
        return node;
    }

    public ServerConfig config() {
        return config;
    }

    public int httpPort() {
        return http.actualPort();
    }

    /** The HTTP API's routes (tests walk them: every route must declare what it needs). */
    public io.vertx.ext.web.Router router() {
        return router;
    }

    public LeaseManager leases() {
        return leases;
    }

    public io.muster.server.check.CheckScheduler checks() {
        return checks;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Graceful stop (design rule 13): refuse new requests, hand leadership to a follower if leading, let in-flight
     * requests finish up to the shutdown timeout, then stop Raft.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        shuttingDown = true;
        LOG.info("Member {} shutting down", config.id());
        if (node.isLeader() && node.currentPeers().size() > 1) {
            try {
                // By name: transferLeadership(null) only steps down and leaves the cluster to an election timeout.
                node.handOverLeadership(Duration.ofSeconds(5));
            } catch (Exception e) {
                LOG.warn("Could not hand leadership over before shutdown: {}", e.toString());
            }
        }
        if (http != null) {
            try {
                await(http.shutdown(config.shutdownTimeout().toMillis()));
            } catch (RuntimeException e) {
                LOG.warn("HTTP shutdown: {}", e.toString());
            }
        }
        if (dns != null) {
            try {
                await(dns.close());
            } catch (RuntimeException e) {
                LOG.warn("DNS shutdown: {}", e.toString());
            }
        }
        if (leases != null) {
            leases.close();
        }
        if (checks != null) {
            checks.close();
        }
        if (checkTargets != null) {
            checkTargets.close();
        }
        if (bootstrap != null) {
            bootstrap.close();
        }
        if (publisher != null) {
            publisher.interrupt();
        }
        try {
            node.close();
        } catch (IOException e) {
            LOG.warn("Raft shutdown: {}", e.toString());
        }
        if (vertx != null) {
            try {
                await(vertx.close());
            } catch (RuntimeException e) {
                LOG.warn("Vert.x shutdown: {}", e.toString());
            }
        }
        LOG.info("Member {} stopped", config.id());
    }

    /** Closes abruptly, as a crash would: no leadership transfer, no draining (for fault tests). */
    public void kill() {
        closed = true;
        shuttingDown = true;
        try {
            if (leases != null) {
                leases.close();
            }
            if (checks != null) {
                checks.close();
            }
            if (checkTargets != null) {
                checkTargets.close();
            }
            if (http != null) {
                http.close();
            }
            if (dns != null) {
                dns.close();
            }
        } finally {
            // Whatever failed above, the Raft member must stop: a killed member that still votes is not killed.
            try {
                node.close();
            } catch (IOException e) {
                LOG.warn("Raft close: {}", e.toString());
            }
            if (vertx != null) {
                vertx.close();
            }
        }
    }

    static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
