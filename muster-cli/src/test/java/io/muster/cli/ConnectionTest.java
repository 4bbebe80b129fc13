package io.muster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the CLI puts on the wire and how it reads answers that are not the registry's JSON: a loopback JDK server
 * records the request (the verbs against real members are CliVerbsTest in registry-server).
 */
class ConnectionTest {
    private HttpServer server;
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicReference<String> path = new AtomicReference<>();
    private volatile int status = 200;
    private volatile String body = "{}";

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            path.set(exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String addr() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private UsageTest.Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MusterCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new UsageTest.Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theTokenGoesAsBearer() {
        UsageTest.Run r = run(Map.of("MUSTER_ADDR", addr(), "MUSTER_TOKEN", "s3cret"), "services");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Bearer s3cret", authorization.get());
    }

    @Test
    void noTokenNoHeader() {
        assertEquals(0, run(Map.of("MUSTER_ADDR", "http://" + addr() + "/"), "services").exit());
        assertEquals(null, authorization.get());
        assertEquals("/v1/services", path.get());
    }

    @Test
    void queryOptionsAreEncoded() {
        body = "{\"service\":\"web\",\"index\":3,\"instances\":[]}";
        assertEquals(0, run(Map.of("MUSTER_ADDR", addr()), "service", "web", "--healthy", "--tag", "a", "--tag", "b").exit());
        assertEquals("/v1/services/web?healthy=true&tag=a&tag=b", path.get());
    }

    @Test
    void anErrorThatIsNotJsonIsPrintedAsIs() {
        status = 502;
        body = "<html>bad gateway</html>";
        UsageTest.Run r = run(Map.of("MUSTER_ADDR", addr()), "services");
        assertEquals(MusterCli.REFUSED, r.exit());
        assertTrue(r.err().contains("refused (HTTP 502): <html>bad gateway</html>"), r.err());
    }

    @Test
    void a401WithoutATokenSaysWhereTheTokenGoes() {
        status = 401;
        body = "{\"error\":\"unauthenticated\",\"message\":\"this call needs a token with read on some service\"}";
        UsageTest.Run none = run(Map.of("MUSTER_ADDR", addr()), "services");
        assertEquals(MusterCli.REFUSED, none.exit(), none.toString());
        assertTrue(none.err().contains("refused (HTTP 401 unauthenticated): this call needs a token with read on some service; "
                + "no token was sent (set MUSTER_TOKEN)"), none.err());
        body = "{\"error\":\"unauthenticated\",\"message\":\"ACL token not found\"}";
        UsageTest.Run unknown = run(Map.of("MUSTER_ADDR", addr(), "MUSTER_TOKEN", "s3cret"), "services");
        assertEquals(MusterCli.REFUSED, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("ACL token not found") && !unknown.err().contains("no token was sent"), unknown.err());
    }

    @Test
    void aSuccessThatIsNotJsonExitsOne() {
        body = "not json";
        UsageTest.Run r = run(Map.of("MUSTER_ADDR", addr()), "services");
        assertEquals(MusterCli.REFUSED, r.exit(), r.toString());
        assertTrue(r.err().contains("not JSON"), r.err());
    }

    @Test
    void httpsAddressesAreUsedAsGiven() {
        // Nothing speaks TLS here: the handshake fails, which shows the CLI tried https rather than rewriting it.
        UsageTest.Run r = run(Map.of("MUSTER_ADDR", "https://" + addr()), "services");
        assertEquals(MusterCli.REFUSED, r.exit(), r.toString());
        assertTrue(r.err().contains("https://" + addr()), r.err());
    }
}
