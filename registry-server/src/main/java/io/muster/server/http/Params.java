package io.muster.server.http;

import io.muster.store.model.GoDuration;
import io.muster.store.model.Names;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Strict readers for path and query parameters: a bad value is a 400 naming it, never a 500. */
final class Params {
    /** The client a per-client limit counts against: the peer's address (no proxy header is trusted). */
    static String client(io.vertx.ext.web.RoutingContext ctx) {
        var a = ctx.request().remoteAddress();
        return a == null || a.hostAddress() == null ? "unknown" : a.hostAddress();
    }

    private Params() {
    }

    static String service(RoutingContext ctx) {
        String s = ctx.pathParam("service");
        if (!Names.isLabel(s)) {
            throw ApiException.invalid("service", "service name must be a DNS label: a-z, 0-9 and '-', 1 to 63 characters");
        }
        return s;
    }

    static String instanceId(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!Names.isInstanceId(id)) {
            throw ApiException.invalid("id", "instance id must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
        }
        return id;
    }

    /** Fewer than the query decoder's own cap (1024), past which it drops parameters without a word. */
    static final int MAX_QUERY_PARAMS = 1000;

    /** A query too long to be read whole is refused rather than read in part: a dropped option could be the bad one. */
    static void boundedQuery(RoutingContext ctx) {
        String q = ctx.request().query();
        if (q != null && q.chars().filter(c -> c == '&').count() >= MAX_QUERY_PARAMS) {
            throw ApiException.invalid(null, "at most " + MAX_QUERY_PARAMS + " query parameters");
        }
    }

    static Optional<String> single(RoutingContext ctx, String name) {
        List<String> all = ctx.queryParam(name);
        if (all.size() > 1) {
            throw ApiException.invalid(name, name + " may be given once");
        }
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    static boolean bool(RoutingContext ctx, String name) {
        return single(ctx, name).map(v -> switch (v) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.invalid(name, name + " must be true or false");
        }).orElse(false);
    }

    static Optional<Long> index(RoutingContext ctx) {
        return single(ctx, "index").map(v -> {
            // ASCII digits only: Long.parseLong would also take "+1" and non-Latin digits.
            if (!v.matches("[0-9]{1,19}")) {
                throw ApiException.invalid("index", "index must be a non-negative integer");
            }
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw ApiException.invalid("index", "index must be a non-negative integer");
            }
        });
    }

    static Duration duration(RoutingContext ctx, String name, Duration dflt, Duration max) {
        return single(ctx, name).map(v -> {
            Duration d;
            try {
                d = GoDuration.parse(v);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(name, e.getMessage());
            }
            if (d.compareTo(max) > 0) {
                throw ApiException.invalid(name, name + " must be at most " + GoDuration.format(max));
            }
            return d;
        }).orElse(dflt);
    }
}
