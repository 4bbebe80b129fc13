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

    void toIndex(RoutingContext ctx) {
        ctx.response().setStatusCode(301).putHeader("Location", "/ui/").end();
    }

    /** The UI's files; the jar is immutable while the process runs, so files are cached but revalidated. */
    StaticHandler files() {
        return StaticHandler.create(UI_ROOT)
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setMaxAgeSeconds(60)
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
