package io.muster.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What an operator opens in a browser: the web UI under {@code /ui/} (static files bundled in the jar) and the
 * API's OpenAPI description at {@code /v1/openapi.json} (the bytes of docs/openapi.json, copied in at build).
 */
final class OperatorConsole {
    /** Classpath location of the OpenAPI document. */
    static final String OPENAPI_RESOURCE = "muster/openapi.json";
    /** Classpath directory of the UI's files. */
    static final String UI_ROOT = "muster-ui";

    private final Buffer openApi = Buffer.buffer(read(OPENAPI_RESOURCE));

    void openApi(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", Replies.JSON).end(openApi);
    }

    /** {@code /ui} to {@code /ui/}, so the UI's relative module paths resolve (Vert.x also matches /ui/ here). */
    void toIndex(RoutingContext ctx) {
        if (!ctx.request().path().equals("/ui")) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(301).putHeader("Location", "/ui/").end();
    }

    /** The UI's files. Not cached: they are a few KB, and an upgraded member must not serve a browser yesterday's. */
    StaticHandler files() {
        return StaticHandler.create(UI_ROOT)
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setCachingEnabled(false)
                .setDefaultContentEncoding("UTF-8");
    }

    static byte[] read(String resource) {
        try (InputStream in = OperatorConsole.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " (the build copies it from docs/)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
