package io.muster.server.acl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.muster.server.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.Optional;

/**
 * The one place the HTTP API decides who may do what: the first handler of every route, built from the route's
 * {@link Need}. It runs before the route reads its body or any state, so a refusal changes nothing:
 * <ul>
 *   <li>a malformed or unknown token: {@code 401 unauthenticated}, under either default policy (Consul's "ACL not
 *       found");</li>
 *   <li>no token, and the anonymous identity lacks the right: {@code 401 unauthenticated};</li>
 *   <li>a known token without the right: {@code 403 permission_denied}.</li>
 * </ul>
 * A request let through carries its {@link Identity} for the handler ({@link #identity}), which filters what it
 * shows by it. Thread-safe; runs on the event loop (in-memory lookups only).
 */
public final class AclGuard {
    private static final String IDENTITY = "muster.acl.identity";

    private final AclResolver resolver;
    private final Counter unauthenticated;
    private final Counter permissionDenied;

    public AclGuard(AclResolver resolver, MeterRegistry meters) {
        this.resolver = resolver;
        this.unauthenticated = refusals(meters, "unauthenticated");
        this.permissionDenied = refusals(meters, "permission_denied");
    }

    private static Counter refusals(MeterRegistry meters, String reason) {
        return Counter.builder("muster_acl_refusals").description("requests refused by the ACL, by reason")
                .tag("reason", reason).register(meters);
    }

    public AclResolver resolver() {
        return resolver;
    }

    /**
     * The first handler of a route that needs {@code need}. Vert.x runs body handlers before user handlers; marked
     * as a security policy, this one runs before the body is read, so a refused caller gets nothing buffered.
     */
    public Handler<RoutingContext> require(Need need) {
        return (SecurityPolicyHandler) ctx -> check(ctx, need);
    }

    private void check(RoutingContext ctx, Need need) {
        if (need.kind() == Need.Kind.NOTHING) {
            if (AuditLog.isWrite(ctx)) {
                AuditLog.onEnd(ctx, Identity.ANONYMOUS);
            }
            ctx.next();
            return;
        }
        Credentials.Credential credential = Credentials.extract(ctx.request()::getHeader);
        Optional<Identity> found = resolver.resolve(credential);
        if (found.isEmpty()) {
            String why = credential instanceof Credentials.Malformed m ? m.reason() : "ACL token not found";
            refuse(ctx, AuditLog.UNKNOWN_TOKEN, 401, "unauthenticated", why);
            return;
        }
        Identity who = found.get();
        if (!need.grantedTo(who, ctx.pathParam("service"))) {
            if (who.anonymous()) {
                refuse(ctx, who.accessor(), 401, "unauthenticated", "this call needs a token with " + need);
            } else {
                refuse(ctx, who.accessor(), 403, "permission_denied", "token " + who.accessor() + " lacks " + need);
            }
            return;
        }
        ctx.put(IDENTITY, who);
        if (AuditLog.isWrite(ctx)) {
            AuditLog.onEnd(ctx, who.accessor());
        }
        ctx.next();
    }

    private void refuse(RoutingContext ctx, String who, int status, String code, String message) {
        (status == 401 ? unauthenticated : permissionDenied).increment();
        AuditLog.refused(ctx, who, code, status);
        ctx.fail(new ApiException(status, code, message, null, null));
    }

    /** The identity the guard let through; a route declared with {@link Need#NOTHING} has none. */
    public static Identity identity(RoutingContext ctx) {
        Identity who = ctx.get(IDENTITY);
        if (who == null) {
            throw new IllegalStateException("route " + ctx.request().path() + " reads an identity it did not declare a need for");
        }
        return who;
    }
}
