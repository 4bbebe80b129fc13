package io.muster.server.acl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.testing.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** HTTP calls to a test cluster with a token (or none), answered as status, headers and raw bytes. */
final class AclCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final TestCluster cluster;

    AclCalls(TestCluster cluster) {
        this.cluster = cluster;
    }

    record Answer(int status, String contentType, long index, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /** @param token the secret to send as {@code Authorization: Bearer}, or null for none */
    Answer send(int member, String method, String path, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url(member) + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    Long.parseLong(r.headers().firstValue("X-Muster-Index").orElse("-1")), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer send(int member, String method, String path, String body, String token) {
        return send(member, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), token);
    }

    Answer get(int member, String path, String token) {
        return send(member, "GET", path, (byte[]) null, token);
    }

    /** Waits until {@code secret} is a known token on every running member. */
    void awaitKnownEverywhere(String secret, int members) {
        for (int i = 0; i < members; i++) {
            int m = i;
            if (cluster.running(m)) {
                TestCluster.await("token known on member " + m, Duration.ofSeconds(90),
                        () -> get(m, "/v1/acl/whoami", secret).status() == 200);
            }
        }
    }

    /** Creates a token with the given policies through {@code member}; returns {accessor, secret}. */
    String[] createToken(int member, String managementSecret, String... policies) {
        StringBuilder list = new StringBuilder();
        for (String p : policies) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(p).append('"');
        }
        Answer a = send(member, "POST", "/v1/acl/tokens", "{\"description\":\"test\",\"policies\":[" + list + "]}", managementSecret);
        if (a.status() != 200) {
            throw new AssertionError("token creation failed: " + a);
        }
        return new String[] {a.json().get("accessor").asText(), a.json().get("secret").asText()};
    }
}
