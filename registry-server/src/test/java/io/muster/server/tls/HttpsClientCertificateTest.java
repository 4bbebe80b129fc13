package io.muster.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.MusterClient;
import io.muster.client.Registration;
import io.muster.client.ServiceView;
import io.muster.server.testing.TestCertificates;
import io.muster.server.testing.TestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One member serving HTTPS only and asking for client certificates ({@code --tls-client-ca}): plain HTTP and clients
 * without a certificate from the CA are refused at the connection, cleanly and without harm to the member.
 */
class HttpsClientCertificateTest {
    private static final TestCertificates CERTS = TestCertificates.cluster();
    private static TestCluster cluster;
    private static String url;

    @BeforeAll
    static void start() {
        Map<String, String> flags = new HashMap<>(CERTS.httpFlags("n1"));
        flags.put("tls-client-ca", CERTS.ca().toString());
        cluster = new TestCluster(1, flags).https(CERTS.clientContext("client")).start();
        url = cluster.url(0);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> get(SSLContext context, String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(15))
                .sslContext(context).build();
        return client.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertHealthy() {
        assertEquals(200, cluster.get(0, "/health/live").statusCode());
    }

    @Test
    void plainHttpToTheHttpsPortIsRefusedCleanlyAndTheMemberStaysHealthy() throws Exception {
        String plain = url.replace("https://", "http://");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(15)).build();
        for (int i = 0; i < 2; i++) {
            IOException e = assertThrows(IOException.class, () -> http.send(
                    HttpRequest.newBuilder(URI.create(plain + "/v1/services")).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertFalse(e instanceof java.net.http.HttpTimeoutException, "plain HTTP must be refused, not left hanging: " + e);
        }
        // The same on a raw socket: the member closes the connection rather than keep it open.
        try (Socket s = new Socket("127.0.0.1", cluster.ports(0).http())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /v1/services HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                while (in.read(buf) >= 0) {
                    // a TLS alert may come first; then the connection ends
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the member left a plain-HTTP connection open", e);
            } catch (IOException e) {
                // reset: refused as well
            }
        }
        assertHealthy();
        TestCluster.await("plain HTTP counted as refused", Duration.ofSeconds(10),
                () -> refusals("not_tls") >= 1);
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        double before = refusals("handshake");
        assertThrows(IOException.class, () -> get(CERTS.trustingContext(), "/v1/services"));
        assertHealthy();
        TestCluster.await("the failed handshake counted", Duration.ofSeconds(10), () -> refusals("handshake") > before);
    }

    /** muster_http_tls_refusals_total for one reason, as this member's /metrics would show it. */
    private static double refusals(String reason) {
        String prefix = "muster_http_tls_refusals_total{reason=\"" + reason + "\"} ";
        return cluster.server(0).meters().scrape().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
    }

    @Test
    void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
        // It trusts the member (our CA) but presents a certificate the other CA signed.
        SSLContext stranger = SSLContext.getInstance("TLS");
        stranger.init(new javax.net.ssl.KeyManager[] {io.muster.store.tls.PemFiles.keyManager("cert",
                TestCertificates.other().cert("client"), "key", TestCertificates.other().key("client"))},
                new javax.net.ssl.TrustManager[] {io.muster.store.tls.PemFiles.trustManager("ca", CERTS.ca())}, null);
        assertThrows(IOException.class, () -> get(stranger, "/v1/services"));
        assertHealthy();
    }

    @Test
    void aClientThatDoesNotTrustTheMembersCaRefusesIt() throws Exception {
        assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> get(TestCertificates.other().clientContext("client"), "/health/live"));
        assertHealthy();
    }

    @Test
    void aClientWithACertificateFromTheCaIsServed() throws Exception {
        HttpResponse<String> r = cluster.put(0, "/v1/services/certified/instances/c1", "{\"address\":\"10.0.0.1\",\"port\":80}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, TestCluster.json(get(CERTS.clientContext("client"), "/v1/services/certified")).get("instances").size());

        try (MusterClient client = MusterClient.builder().members(url).sslContext(CERTS.clientContext("client"))
                .connectTimeout(Duration.ofSeconds(15)).requestTimeout(Duration.ofSeconds(20)).build()) {
            client.register(Registration.builder("certified", "java-1").address("10.0.0.2").port(81)
                    .ttl(Duration.ofSeconds(30)).build());
            ServiceView view = client.serviceView("certified");
            TestCluster.await("the view sees both instances", Duration.ofSeconds(30), () -> view.endpoints().size() == 2);
        }
        assertTrue(cluster.server(0).node().catalog().service("certified").isPresent());
    }
}
