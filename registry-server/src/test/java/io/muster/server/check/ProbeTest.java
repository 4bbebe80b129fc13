package io.muster.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.model.Check;
import io.muster.store.model.Status;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probes alone against real local targets, each behaving well or badly: every outcome is a verdict within
 * the timeout (never an exception, never a hang), and a body is read only as far as the note needs.
 */
class ProbeTest {
    private static Vertx vertx;
    private static HttpProbe http;
    private static TcpProbe tcp;
    private static CheckTargets targets;

    @BeforeAll
    static void setUp() {
        vertx = Vertx.vertx();
        // The targets here listen on loopback, which a member reaches only when the operator allows it.
        targets = new CheckTargets(AddressPolicy.allowing(Cidr.parseList("127.0.0.0/8")), CheckTargets.SYSTEM,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        http = new HttpProbe(vertx, "t1", 16, targets);
        tcp = new TcpProbe(vertx, targets);
    }

    @AfterAll
    static void tearDown() throws Exception {
        targets.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ProbeResult get(String url, Duration timeout) throws Exception {
        return http.run(new Check.Http(url, Duration.ofSeconds(5), timeout, null)).get(20, TimeUnit.SECONDS);
    }

    private static ProbeResult get(String url) throws Exception {
        return get(url, Duration.ofSeconds(5));
    }

    private static ProbeResult connect(String hostPort) throws Exception {
        return tcp.run(new Check.Tcp(hostPort, Duration.ofSeconds(5), Duration.ofSeconds(5), null)).get(20, TimeUnit.SECONDS);
    }

    @Test
    void twoHundredIsPassingWithTheBodyAsNote() throws Exception {
        try (HttpTarget t = new HttpTarget()) {
            ProbeResult r = get(t.url("/health"));
            assertEquals(Status.PASSING, r.status());
            assertTrue(r.note().startsWith("HTTP 200") && r.note().endsWith("all good"), r.note());
            assertTrue(t.probes().get(0).userAgent().equals("muster-check/t1"), t.probes().toString());
        }
    }

    @Test
    void tooManyRequestsIsWarning() throws Exception {
        try (HttpTarget t = new HttpTarget()) {
            t.mode(HttpTarget.Mode.TOO_MANY);
            ProbeResult r = get(t.url("/health"));
            assertEquals(Status.WARNING, r.status());
            assertTrue(r.note().startsWith("HTTP 429"), r.note());
        }
    }

    @Test
    void serverErrorIsCriticalWithTheBodyAsNote() throws Exception {
        try (HttpTarget t = new HttpTarget()) {
            t.mode(HttpTarget.Mode.ERROR);
            ProbeResult r = get(t.url("/health"));
            assertEquals(Status.CRITICAL, r.status());
            assertTrue(r.note().contains("database unreachable"), r.note());
        }
    }

    @Test
    void refusedConnectionIsCritical() throws Exception {
        try (RawTarget closed = new RawTarget(RawTarget.Mode.HTTP_OK)) {
            closed.stop();
            ProbeResult r = get("http://" + closed.hostPort() + "/health");
            assertEquals(Status.CRITICAL, r.status());
            assertTrue(r.note().startsWith("GET failed"), r.note());
        }
    }

    @Test
    void hangingResponseCostsTheTimeoutAndIsCritical() throws Exception {
        try (HttpTarget t = new HttpTarget()) {
            t.mode(HttpTarget.Mode.HANG);
            ProbeResult r = get(t.url("/health"), Duration.ofMillis(500));
            assertEquals(Status.CRITICAL, r.status());
            assertEquals("GET timed out after 500ms", r.note());
        }
    }

    @Test
    void silentListenerCostsTheTimeoutAndIsCritical() throws Exception {
        try (RawTarget t = new RawTarget(RawTarget.Mode.HANG)) {
            ProbeResult r = get("http://" + t.hostPort() + "/health", Duration.ofMillis(500));
            assertEquals(Status.CRITICAL, r.status());
            assertTrue(r.note().contains("timed out"), r.note());
        }
    }

    @Test
    void resetConnectionIsCritical() throws Exception {
        try (RawTarget t = new RawTarget(RawTarget.Mode.RESET)) {
            ProbeResult r = get("http://" + t.hostPort() + "/health");
            assertEquals(Status.CRITICAL, r.status());
            assertTrue(r.note().startsWith("GET failed"), r.note());
        }
    }

    @Test
    void garbageInsteadOfHttpIsCritical() throws Exception {
        try (RawTarget t = new RawTarget(RawTarget.Mode.GARBAGE)) {
            ProbeResult r = get("http://" + t.hostPort() + "/health");
            assertEquals(Status.CRITICAL, r.status());
            assertTrue(r.note().length() <= CheckSettings.NOTE_LIMIT, r.note());
        }
    }

    @Test
    void tenMegabyteBodyIsReadOnlyAsFarAsTheNote() throws Exception {
        try (HttpTarget t = new HttpTarget()) {
            t.mode(HttpTarget.Mode.TEN_MB);
            ProbeResult r = get(t.url("/health"));
            assertEquals(Status.PASSING, r.status());
            assertTrue(r.note().length() <= CheckSettings.NOTE_LIMIT, "note of " + r.note().length() + " chars");
            assertTrue(r.note().startsWith("HTTP 200 OK: xxxx"), r.note());
            System.out.println("10 MB target wrote " + t.bodyBytesWritten.get() + " bytes before the probe reset it");
        }
    }

    @Test
    void endlessBodyIsPassingNotATimeout() throws Exception {
        // Reading to the end would never finish: only a bounded read gets a verdict other than a timeout.
        try (HttpTarget t = new HttpTarget()) {
            t.mode(HttpTarget.Mode.ENDLESS);
            ProbeResult r = get(t.url("/health"), Duration.ofSeconds(3));
            assertEquals(Status.PASSING, r.status(), r.note());
        }
    }

    @Test
    void redirectOnTheSameHostIsFollowed() throws Exception {
        try (HttpTarget t = new HttpTarget()) {
            t.mode(HttpTarget.Mode.REDIRECT_SAME_HOST);
            ProbeResult r = get(t.url("/moved"));
            assertEquals(Status.PASSING, r.status(), r.note());
            assertTrue(r.note().endsWith("arrived at /here"), r.note());
        }
    }

    /**
     * DNS rebinding: the name resolves to an allowed address when first judged and to loopback afterwards. The
     * probe resolves once per run and connects to what it judged; a same-origin redirect goes to that same
     * address, never through a new lookup.
     */
    @Test
    void aNameIsResolvedOncePerProbeAndTheRedirectGoesToTheJudgedAddress() throws Exception {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        CheckTargets.Resolver rebinding = host -> lookups.incrementAndGet() == 1
                ? List.of(java.net.InetAddress.getByName("127.0.0.1"))
                : List.of(java.net.InetAddress.getByName("169.254.169.254"));
        try (HttpTarget t = new HttpTarget();
             CheckTargets judged = new CheckTargets(AddressPolicy.allowing(Cidr.parseList("127.0.0.0/8")), rebinding,
                     new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            t.mode(HttpTarget.Mode.REDIRECT_SAME_HOST);
            HttpProbe probe = new HttpProbe(vertx, "t1", 4, judged);
            String url = t.url("/moved").replace("127.0.0.1", "svc.example");
            ProbeResult r = probe.run(new Check.Http(url, Duration.ofSeconds(20), Duration.ofSeconds(20), null)).get(60, TimeUnit.SECONDS);
            assertEquals(Status.PASSING, r.status(), r.note());
            assertTrue(r.note().endsWith("arrived at /here"), r.note());
            assertEquals(1, lookups.get(), "the redirect was not resolved again");

            ProbeResult rebound = probe.run(new Check.Http(url, Duration.ofSeconds(20), Duration.ofSeconds(20), null)).get(60, TimeUnit.SECONDS);
            assertEquals(Status.CRITICAL, rebound.status());
            assertTrue(rebound.note().startsWith("refused: 169.254.169.254"), rebound.note());
            assertEquals(2, t.probes().size(), "the rebound probe never connected anywhere");
            probe.close();
        }
    }

    @Test
    void aProbeToARefusedAddressNeverConnects() throws Exception {
        try (HttpTarget t = new HttpTarget(); RawTarget raw = new RawTarget(RawTarget.Mode.ACCEPT);
             CheckTargets strict = new CheckTargets(AddressPolicy.allowing(List.of()), CheckTargets.SYSTEM,
                     new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            HttpProbe probe = new HttpProbe(vertx, "t1", 4, strict);
            TcpProbe tcpProbe = new TcpProbe(vertx, strict);
            ProbeResult viaName = probe.run(new Check.Http(t.url("/health").replace("127.0.0.1", "localhost"),
                    Duration.ofSeconds(20), Duration.ofSeconds(20), null)).get(60, TimeUnit.SECONDS);
            ProbeResult literal = probe.run(new Check.Http(t.url("/health"), Duration.ofSeconds(20), Duration.ofSeconds(20), null))
                    .get(60, TimeUnit.SECONDS);
            ProbeResult tcpMapped = tcpProbe.run(new Check.Tcp("[::ffff:127.0.0.1]:" + raw.port(), Duration.ofSeconds(5),
                    Duration.ofSeconds(5), null)).get(60, TimeUnit.SECONDS);
            for (ProbeResult r : List.of(viaName, literal, tcpMapped)) {
                assertEquals(Status.CRITICAL, r.status());
                assertTrue(r.note().startsWith("refused: "), r.note());
            }
            assertEquals(List.of(), t.probes(), "the target saw no request");
            probe.close();
            tcpProbe.close();
        }
    }

    @Test
    void redirectToAnotherHostIsNotFollowed() throws Exception {
        try (HttpTarget t = new HttpTarget()) {
            t.mode(HttpTarget.Mode.REDIRECT_OFF_HOST);
            ProbeResult r = get(t.url("/health"));
            assertEquals(Status.CRITICAL, r.status());
            assertEquals("HTTP 302: redirect not followed (to another host)", r.note());
        }
    }

    @Test
    void sameOriginRequiresSchemeHostAndPort() {
        java.net.URI from = java.net.URI.create("http://a.example:8080/health");
        assertEquals("http://a.example:8080/ok", String.valueOf(HttpProbe.sameOrigin(from, "/ok")));
        assertEquals("http://A.example:8080/x/y", String.valueOf(HttpProbe.sameOrigin(from, "http://A.example:8080/x/y")));
        assertEquals(null, HttpProbe.sameOrigin(from, "http://b.example:8080/ok"));
        assertEquals(null, HttpProbe.sameOrigin(from, "https://a.example:8080/ok"));
        assertEquals(null, HttpProbe.sameOrigin(from, "http://a.example:8081/ok"));
        assertEquals(null, HttpProbe.sameOrigin(from, "//evil.example/ok"));
        assertEquals(null, HttpProbe.sameOrigin(from, "http://user@a.example:8080/ok"));
    }

    @Test
    void tcpConnectIsPassingAndARefusedOneCritical() throws Exception {
        try (RawTarget t = new RawTarget(RawTarget.Mode.ACCEPT)) {
            assertEquals(Status.PASSING, connect(t.hostPort()).status());
            t.stop();
            ProbeResult down = connect(t.hostPort());
            assertEquals(Status.CRITICAL, down.status());
            assertTrue(down.note().startsWith("TCP connect to " + t.hostPort() + " failed"), down.note());
            t.restart();
            assertEquals(Status.PASSING, connect(t.hostPort()).status());
        }
    }

    @Test
    void notesKeepOnlyPrintableTextWithinTheLimit() {
        assertEquals("a b c", Notes.clean("a\u0000b\r\n\tc\u001b"));
        assertEquals(CheckSettings.NOTE_LIMIT, Notes.clean("y".repeat(100_000)).length());
        assertEquals("", Notes.clean(null));
    }
}
