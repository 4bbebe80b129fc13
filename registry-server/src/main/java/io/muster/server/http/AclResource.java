package io.muster.server.http;

import io.muster.server.acl.AclGuard;
import io.muster.server.acl.Identity;
import io.muster.server.acl.Secrets;
import io.muster.server.write.Writes;
import io.muster.store.acl.AclState;
import io.muster.store.acl.Policy;
import io.muster.store.acl.Token;
import io.muster.store.catalog.CatalogView;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.raft.Consistency;
import io.muster.store.raft.ReadBarrier;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/acl}: policies, tokens, whoami and the one-shot bootstrap. A token's secret is generated here, with a
 * secure random, before the change is proposed; only its SHA-256 is replicated, and the secret is shown once, in the
 * answer that created it. Reads answer from this member's applied ACL state.
 */
final class AclResource {
    private static final Logger LOG = LoggerFactory.getLogger(AclResource.class);
    private final Writes writes;
    private final ReadBarrier reads;
    private final CatalogView catalog;

    AclResource(Writes writes, CatalogView catalog, ReadBarrier reads) {
        this.writes = writes;
        this.reads = reads;
        this.catalog = catalog;
    }

    void listPolicies(RoutingContext ctx) {
        List<Object> all = new ArrayList<>();
        all.add(Policy.MANAGEMENT_POLICY);
        all.addAll(catalog.acl().policies().values());
        reply(ctx, all);
    }

    void getPolicy(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Policy p = catalog.acl().policy(name).orElseThrow(() -> ApiException.notFound("no policy " + (AclBodies.POLICY_NAME.matcher(name).matches() ? name : "of that name")));
        reply(ctx, p);
    }

    void putPolicy(RoutingContext ctx) {
        Policy p = AclBodies.policy(ctx.pathParam("name"), Bodies.jsonBody(ctx, true));
        AclState acl = catalog.acl();
        if (acl.policy(p.name()).isEmpty() && acl.policies().size() >= AclBodies.MAX_POLICIES) {
            throw new ApiException(429, "quota_exceeded", "at most " + AclBodies.MAX_POLICIES + " policies", null, null);
        }
        submit(ctx, new Command.PutPolicy(p), r -> p);
    }

    void deletePolicy(RoutingContext ctx) {
        String name = AclBodies.policyName(ctx.pathParam("name"));
        submit(ctx, new Command.DeletePolicy(name), r -> Map.of("index", r.index()));
    }

    void listTokens(RoutingContext ctx) {
        reply(ctx, catalog.acl().tokens().values().stream().map(AclResource::view).toList());
    }

    void getToken(RoutingContext ctx) {
        String accessor = AclBodies.accessor(ctx.pathParam("accessor"));
        Token t = catalog.acl().token(accessor).orElseThrow(() -> ApiException.notFound("no token " + accessor));
        reply(ctx, view(t));
    }

    void createToken(RoutingContext ctx) {
        AclBodies.TokenBody b = AclBodies.token(Bodies.jsonBody(ctx, true));
        if (b.policies().stream().allMatch(p -> catalog.acl().policy(p).isPresent())) {
            createToken(ctx, b);
            return;
        }
        // A policy just made through another member may not be applied here yet: catch up with the leader first.
        Future.fromCompletionStage(reads.readBarrier(Consistency.DEFAULT), ctx.vertx().getOrCreateContext())
                .onSuccess(applied -> {
                    try {
                        createToken(ctx, b);
                    } catch (ApiException e) {
                        Replies.error(ctx, e);
                    }
                })
                .onFailure(t -> Replies.error(ctx, t));
    }

    private void createToken(RoutingContext ctx, AclBodies.TokenBody b) {
        AclState acl = catalog.acl();
        for (String p : b.policies()) {
            if (acl.policy(p).isEmpty()) {
                throw ApiException.invalid("policies", "no policy named " + p);
            }
        }
        if (acl.tokens().size() >= AclBodies.MAX_TOKENS) {
            throw new ApiException(429, "quota_exceeded", "at most " + AclBodies.MAX_TOKENS + " tokens", null, null);
        }
        String accessor = Secrets.newAccessor();
        String secret = Secrets.newSecret();
        submit(ctx, new Command.CreateToken(accessor, Secrets.sha256(secret), b.description(), b.policies()),
                r -> created(accessor, secret, b.description(), b.policies()));
    }

    void deleteToken(RoutingContext ctx) {
        String accessor = AclBodies.accessor(ctx.pathParam("accessor"));
        submit(ctx, new Command.DeleteToken(accessor), r -> Map.of("index", r.index()));
    }

    void whoami(RoutingContext ctx) {
        Identity who = AclGuard.identity(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessor", who.accessor());
        body.put("description", who.description());
        body.put("policies", who.policies());
        body.put("anonymous", who.anonymous());
        reply(ctx, body);
    }

    /**
     * Consul's one-shot bootstrap: creates the first management token and answers its secret, once per cluster
     * (the {@code --acl-bootstrap-token} flag counts); afterwards {@code 403 permission_denied}. Needs no token: on a
     * cluster that was never bootstrapped there is none to present.
     */
    void bootstrap(RoutingContext ctx) {
        if (catalog.acl().bootstrapped()) {
            throw alreadyBootstrapped();
        }
        String accessor = Secrets.newAccessor();
        String secret = Secrets.newSecret();
        Future.fromCompletionStage(writes.submit(new Command.BootstrapAcl(accessor, Secrets.sha256(secret), "bootstrap token")),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(r -> {
                    if (r.code() != Result.Code.OK) {
                        Replies.error(ctx, alreadyBootstrapped());
                        return;
                    }
                    LOG.warn("ACL bootstrapped through the API: management token {} created", accessor);
                    ctx.response().putHeader("X-Muster-Index", String.valueOf(r.index()));
                    Replies.json(ctx, 200, created(accessor, secret, "bootstrap token", List.of(Policy.MANAGEMENT)));
                })
                .onFailure(t -> Replies.error(ctx, t));
    }

    private static ApiException alreadyBootstrapped() {
        return new ApiException(403, "permission_denied", "ACL bootstrap no longer allowed: the cluster is already bootstrapped", null, null);
    }

    private void submit(RoutingContext ctx, Command command, Function<Result, Object> answer) {
        Future.fromCompletionStage(writes.submit(command), ctx.vertx().getOrCreateContext())
                .onSuccess(r -> {
                    if (r.code() == Result.Code.NOT_FOUND) {
                        Replies.error(ctx, ApiException.notFound("nothing to delete"));
                    } else if (r.code() != Result.Code.OK) {
                        // A policy deleted, or an accessor taken, between our check and the apply.
                        Replies.error(ctx, ApiException.invalid(null, "the change was refused; the ACL state changed meanwhile, try again"));
                    } else {
                        ctx.response().putHeader("X-Muster-Index", String.valueOf(r.index()));
                        Replies.json(ctx, 200, answer.apply(r));
                    }
                })
                .onFailure(t -> Replies.error(ctx, t));
    }

    private void reply(RoutingContext ctx, Object body) {
        ctx.response().putHeader("X-Muster-Index", String.valueOf(catalog.acl().index()));
        Replies.json(ctx, 200, body);
    }

    private static Map<String, Object> created(String accessor, String secret, String description, List<String> policies) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessor", accessor);
        body.put("secret", secret);
        body.put("policies", policies);
        body.put("description", description);
        return body;
    }

    /** A token as reads show it: never the secret, nor its hash. */
    private static Map<String, Object> view(Token t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessor", t.accessor());
        body.put("policies", t.policies());
        body.put("description", t.description());
        body.put("createdAt", Instant.ofEpochMilli(t.createdAt()).toString());
        return body;
    }
}
