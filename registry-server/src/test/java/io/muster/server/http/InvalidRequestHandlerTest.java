package io.muster.server.http;

import static io.muster.server.http.HttpProbe.assertError;

import io.muster.server.http.HttpProbe.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpApi#invalidRequest} on a bare server with the member's codec limits: what the codec refuses before
 * routing (an overlong request line or header block, a malformed header) still answers the contract's JSON.
 */
class InvalidRequestHandlerTest {
    private static Vertx vertx;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(8192).setMaxHeaderSize(16384))
                .invalidRequestHandler(HttpApi::invalidRequest)
                .requestHandler(r -> r.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static Reply exchange(byte[] request) {
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            return HttpProbe.read(s.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void overlongRequestLineIsJsonTooLarge() {
        assertError(exchange(HttpProbe.request("GET", "/v1/services/" + "a".repeat(20_000), List.of(), null)), 414, "too_large");
    }

    @Test
    void overlongHeadersAreJsonTooLarge() {
        assertError(exchange(HttpProbe.request("GET", "/v1/services", List.of("X-Junk: " + "j".repeat(40_000)), null)),
                431, "too_large");
    }

    @Test
    void malformedHeaderIsJsonBadRequest() {
        byte[] bad = "GET /v1/services HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertError(exchange(bad), 400, "invalid_argument");
    }
}
