package io.muster.server.http;

import io.muster.server.acl.AclGuard;
import io.muster.server.acl.Need;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Declares the API's routes, each with the {@link Need} its caller must have: the route's chain is the ACL guard,
 * then the body reader (so nothing is buffered for a caller who may not call), then the handler. {@link #verify}
 * refuses a router holding a route declared any other way: a route without a declaration must not be reachable.
 */
final class Routes {
    /** Route metadata key holding the route's {@link Need}. */
    static final String NEED = "muster.acl.need";

    private final Router router;
    private final AclGuard guard;
    private final Set<Route> infrastructure = Collections.newSetFromMap(new IdentityHashMap<>());

    Routes(Router router, AclGuard guard) {
        this.router = router;
        this.guard = guard;
    }

    void add(HttpMethod method, String path, Need need, Handler<RoutingContext> handler) {
        add(method, path, need, HttpApi.MAX_BODY, handler);
    }

    void add(HttpMethod method, String path, Need need, long bodyLimit, Handler<RoutingContext> handler) {
        router.route(method, path)
                .putMetadata(NEED, need)
                .handler(guard.require(need))
                .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
                .handler(handler);
    }

    /** A handler on every request that serves nothing by itself (timing, shutdown, error pages). */
    Route infrastructure(Route route) {
        infrastructure.add(route);
        return route;
    }

    /** @throws IllegalStateException naming a route that was registered without a declared need */
    void verify() {
        for (Route r : router.getRoutes()) {
            if (!infrastructure.contains(r) && !(r.getMetadata(NEED) instanceof Need)) {
                throw new IllegalStateException("HTTP route " + r.methods() + " " + r.getPath()
                        + " declares no ACL need; declare it in HttpApi through Routes.add");
            }
        }
    }
}
