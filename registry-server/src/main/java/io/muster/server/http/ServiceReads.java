package io.muster.server.http;

import io.muster.server.acl.AclGuard;
import io.muster.server.acl.Authorizer;
import io.muster.server.watch.WatchHub;
import io.muster.store.acl.Access;
import io.muster.store.catalog.CatalogView;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import io.muster.store.raft.Consistency;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.ReadBarrier;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@code GET /v1/services} and {@code GET /v1/services/{service}}, including blocking queries. */
final class ServiceReads {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /** What a client refused a parked query is told to wait: long enough not to spin, short enough to matter. */
    static final long BLOCKING_RETRY_SECONDS = 2;

    private final ReadBarrier reads;
    private final Leadership leadership;
    private final CatalogView catalog;
    private final WatchHub watches;
    /** 64 MiB: enough for every service's common filters in a large catalog; beyond it answers are rendered afresh. */
    private final RenderedServices rendered = new RenderedServices(64L << 20);

    private final HttpLimits limits;

    ServiceReads(CatalogView catalog, ReadBarrier reads, Leadership leadership, WatchHub watches, HttpLimits limits) {
        this.reads = reads;
        this.leadership = leadership;
        this.catalog = catalog;
        this.watches = watches;
        this.limits = limits;
    }

    private record Query(Consistency consistency, Optional<Long> index, Duration waitFor) {
    }

    private static Query query(RoutingContext ctx) {
        Params.boundedQuery(ctx);
        Consistency c = Consistency.parse(Params.single(ctx, "consistency").orElse(null))
                .orElseThrow(() -> ApiException.invalid("consistency", "consistency must be stale, default or consistent"));
        Optional<Long> index = Params.index(ctx);
        Duration wait = Params.duration(ctx, "wait", DEFAULT_WAIT, MAX_WAIT);
        if (Params.single(ctx, "wait").isPresent() && index.isEmpty()) {
            throw ApiException.invalid("wait", "wait needs index");
        }
        return new Query(c, index, wait);
    }

    void list(RoutingContext ctx) {
        Query q = query(ctx);
        // Only the services this identity may read are listed (design rule 17).
        Authorizer rules = AclGuard.identity(ctx).rules();
        afterBarrier(ctx, q, WatchHub.ANY, catalog::changeIndex).onSuccess(v -> {
            Map<String, Object> body = new TreeMap<>();
            for (ServiceEntry e : catalog.services()) {
                if (e.instances().isEmpty() || !rules.service(e.name()).allows(Access.READ)) {
                    continue;
                }
                TreeSet<String> tags = new TreeSet<>();
                e.instances().values().forEach(i -> tags.addAll(i.tags()));
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("instances", e.instances().size());
                summary.put("passing", e.count(Status.PASSING));
                summary.put("warning", e.count(Status.WARNING));
                summary.put("critical", e.count(Status.CRITICAL));
                summary.put("tags", tags);
                body.put(e.name(), summary);
            }
            headers(ctx, catalog.changeIndex());
            Replies.json(ctx, 200, body);
        }).onFailure(t -> Replies.error(ctx, t));
    }

    void get(RoutingContext ctx) {
        String service = Params.service(ctx);
        Query q = query(ctx);
        boolean healthy = Params.bool(ctx, "healthy");
        boolean warning = Params.bool(ctx, "warning");
        List<String> tags = ctx.queryParam("tag");
        for (String t : tags) {
            if (!io.muster.store.model.Names.isLabel(t)) {
                throw ApiException.invalid("tag", "tag must be a DNS label");
            }
        }
        RenderedServices.Filter filter = new RenderedServices.Filter(service, healthy, warning, List.copyOf(tags));
        afterBarrier(ctx, q, service, () -> serviceIndex(service)).onSuccess(v -> {
            // An absent service answers the removal watermark, in the body as in the header (design rule 3).
            ServiceEntry entry = catalog.service(service).orElseGet(() -> ServiceEntry.empty(service, catalog.indexOf(service)));
            byte[] body = rendered.answer(filter, entry, Replies::encode);
            headers(ctx, entry.index());
            Replies.json(ctx, 200, body);
        }).onFailure(t -> Replies.error(ctx, t));
    }

    private long serviceIndex(String service) {
        return catalog.indexOf(service);
    }

    /**
     * Brings this node up to the asked consistency, then, for a blocking query whose index is not yet passed,
     * parks until the watched key changes or the wait ends. Registering the waiter before re-checking the
     * index closes the race with a change applied in between.
     */
    private Future<Void> afterBarrier(RoutingContext ctx, Query q, String key, java.util.function.LongSupplier currentIndex) {
        var context = ctx.vertx().getOrCreateContext();
        Future<Long> barrier = Future.fromCompletionStage(reads.readBarrier(q.consistency()), context);
        return barrier.compose(applied -> {
            if (q.index().isEmpty() || currentIndex.getAsLong() > q.index().get()) {
                return Future.succeededFuture();
            }
            String client = Params.client(ctx);
            var refusal = limits.blockingQueries().tryAcquire(client);
            if (refusal != io.muster.server.limit.ClientCounter.Refusal.NONE) {
                boolean perClient = refusal == io.muster.server.limit.ClientCounter.Refusal.PER_CLIENT;
                limits.metrics().rateLimited(io.muster.server.limit.LimitMetrics.BLOCKING_QUERIES, perClient
                        ? "client " + client + " holds " + limits.settings().maxBlockingQueriesPerClient()
                                + " parked queries (--max-blocking-queries-per-client)"
                        : "this member holds " + limits.settings().maxBlockingQueries() + " parked queries (--max-blocking-queries)");
                return Future.failedFuture(ApiException.rateLimited(perClient
                        ? "too many blocking queries from this client (--max-blocking-queries-per-client "
                                + limits.settings().maxBlockingQueriesPerClient() + ")"
                        : "this member holds as many blocking queries as it may (--max-blocking-queries "
                                + limits.settings().maxBlockingQueries() + ")", BLOCKING_RETRY_SECONDS));
            }
            WatchHub.Parked parked = watches.park(key, q.waitFor(), context);
            parked.future().onComplete(done -> limits.blockingQueries().release(client));
            if (currentIndex.getAsLong() > q.index().get()) {
                parked.cancel();
                return Future.succeededFuture();
            }
            // A client that hangs up must not leave its query parked for up to five minutes (design rule 11).
            // The response's handler, not the connection's: a connection has one close handler, and the limits own it.
            ctx.response().closeHandler(v -> parked.cancel());
            return parked.future();
        });
    }

    /** -1 (never heard from a leader) is shown as the member's whole life: it is not fresh, and never 0. */
    private long lastContact(long ms) {
        return ms >= 0 ? ms : reads.uptimeMs();
    }

    private void headers(RoutingContext ctx, long index) {
        ctx.response().putHeader("X-Muster-Index", String.valueOf(index));
        ctx.response().putHeader("X-Muster-Known-Leader", String.valueOf(leadership.leaderId().isPresent()));
        ctx.response().putHeader("X-Muster-Last-Contact", String.valueOf(lastContact(reads.lastContactMs())));
    }
}
