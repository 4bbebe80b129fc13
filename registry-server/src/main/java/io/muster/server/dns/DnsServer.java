package io.muster.server.dns;

import io.micrometer.core.instrument.MeterRegistry;
import io.muster.store.catalog.Catalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** DNS interface over UDP and TCP (being written; see issue 5). */
public final class DnsServer {
    public DnsServer(Vertx vertx, Catalog catalog, String domain, Duration ttl, MeterRegistry meters) {
    }

    public Future<Void> start(String host, int port) {
        return Future.succeededFuture();
    }

    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
