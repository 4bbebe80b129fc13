package io.muster.server.http;

import io.muster.store.model.GoDuration;
import io.muster.store.model.Names;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Strict readers for path and query parameters: a bad value is a 400 naming it, never a 500. */
final class Params {
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
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
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
