package io.muster.server.acl;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per write and per refusal on logger {@code io.muster.audit}: who (a token's accessor, {@code anonymous},
 * or {@code unknown-token}), what (method, route template, service and instance), from where (the peer address of
 * the connection), and the outcome. Never a secret. Client-chosen values are cut to a safe alphabet and length, so
 * a line cannot be forged or split. Heartbeats are renewals, not changes: their successes are logged at DEBUG so a
 * healthy fleet does not flood the log; their refusals are logged like any other.
 */
final class AuditLog {
    static final Logger LOG = LoggerFactory.getLogger("io.muster.audit");
    static final String UNKNOWN_TOKEN = "unknown-token";

    private AuditLog() {
    }

    static void refused(RoutingContext ctx, String who, String reason, int status) {
        LOG.warn("refused reason={} {} status={}", reason, describe(ctx, who), status);
    }

    /** Logs the write once its answer is sent, with the status it got. */
    static void onEnd(RoutingContext ctx, String who) {
        // Described now, while the declared route is current: a failure is answered from the failure handler's route.
        String line = describe(ctx, who);
        boolean heartbeat = isHeartbeat(ctx);
        ctx.addEndHandler(done -> {
            int status = ctx.response().getStatusCode();
            if (heartbeat && status < 400) {
                LOG.debug("write {} status={}", line, status);
            } else {
                LOG.info("write {} status={}", line, status);
            }
        });
    }

    static boolean isWrite(RoutingContext ctx) {
        return switch (ctx.request().method().name()) {
            case "GET", "HEAD", "OPTIONS" -> false;
            default -> true;
        };
    }

    private static boolean isHeartbeat(RoutingContext ctx) {
        String route = route(ctx);
        return route.endsWith("/heartbeat");
    }

    private static String route(RoutingContext ctx) {
        return ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "unmatched" : ctx.currentRoute().getPath();
    }

    private static String describe(RoutingContext ctx, String who) {
        StringBuilder sb = new StringBuilder();
        sb.append("who=").append(safe(who)).append(" method=").append(safe(ctx.request().method().name()))
                .append(" route=").append(route(ctx));
        for (String param : new String[] {"service", "id", "name", "accessor"}) {
            String v = ctx.pathParam(param);
            if (v != null) {
                sb.append(' ').append(param.equals("id") ? "instance" : param).append('=').append(safe(v));
            }
        }
        SocketAddress from = ctx.request().remoteAddress();
        sb.append(" from=").append(from == null ? "unknown" : safe(from.hostAddress() + ":" + from.port()));
        return sb.toString();
    }

    /** Letters, digits and {@code . _ : - /}; anything else becomes {@code ?}; at most 128 characters. */
    static String safe(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 128));
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_:/".indexOf(c) >= 0;
            sb.append(ok ? c : '?');
        }
        if (s.length() > 128) {
            sb.append("...");
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }
}
