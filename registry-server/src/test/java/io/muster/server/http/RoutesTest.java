package io.muster.server.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.muster.server.acl.AclGuard;
import io.muster.server.acl.AclResolver;
import io.muster.server.acl.AclSettings;
import io.muster.server.acl.Need;
import io.muster.store.acl.Access;
import io.muster.store.catalog.Catalog;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A route registered without a declared need makes the route table refuse to be built. */
class RoutesTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static Routes routes(Router router) {
        return new Routes(router, new AclGuard(new AclResolver(new Catalog(), AclSettings.OFF), new SimpleMeterRegistry()));
    }

    @Test
    void anUndeclaredRouteIsRefused() {
        Router router = Router.router(vertx);
        Routes routes = routes(router);
        routes.add(HttpMethod.GET, "/v1/declared", Need.operator(Access.READ), ctx -> ctx.end());
        assertDoesNotThrow(routes::verify);
        router.get("/v1/sneaky").handler(ctx -> ctx.end("everything"));
        IllegalStateException e = assertThrows(IllegalStateException.class, routes::verify);
        assertTrue(e.getMessage().contains("/v1/sneaky"), e.getMessage());
    }

    @Test
    void aGlobalHandlerMustBeMarkedAsInfrastructure() {
        Router router = Router.router(vertx);
        Routes routes = routes(router);
        routes.infrastructure(router.route().handler(ctx -> ctx.next()));
        assertDoesNotThrow(routes::verify);
        router.route().handler(ctx -> ctx.end("served without a need"));
        assertThrows(IllegalStateException.class, routes::verify);
    }
}
