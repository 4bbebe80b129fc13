package io.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every verb shares ({@code --addr}, {@code --json}) and the HTTP calls behind them. A verb's answer
 * that is not 2xx becomes a {@link Refused} carrying the contract's error code and message.
 */
final class Connection {
    static final String DEFAULT_ADDR = "127.0.0.1:8700";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private HttpClient client;

    @Option(names = "--addr", paramLabel = "HOST:PORT|URL",
            description = "a member's HTTP address (default: MUSTER_ADDR, else " + DEFAULT_ADDR + "); https://... for TLS")
    String addr;

    @Option(names = "--json", description = "print the API's JSON instead of a table")
    boolean json;

    Connection(Map<String, String> env) {
        this.env = env;
    }

    /** The member's base URL, without a trailing slash. */
    String base() {
        String a = addr != null ? addr : env.getOrDefault("MUSTER_ADDR", DEFAULT_ADDR);
        if (a.isBlank()) {
            a = DEFAULT_ADDR;
        }
        a = a.strip();
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        return a.startsWith("http://") || a.startsWith("https://") ? a : "http://" + a;
    }

    /** An answer: status, body and the headers a verb reads. */
    record Answer(int status, byte[] body, HttpResponse<byte[]> raw) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new Refused(status, null, "the answer is not JSON: " + text());
            }
        }

        long index() {
            return raw.headers().firstValueAsLong("X-Muster-Index").orElse(0L);
        }
    }

    Answer get(String path, Duration timeout) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(), null, timeout);
    }

    Answer get(String path) {
        return get(path, Duration.ofSeconds(30));
    }

    Answer delete(String path) {
        return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null, Duration.ofSeconds(30));
    }

    Answer put(String path, Object body) {
        return sendJson("PUT", path, body);
    }

    Answer post(String path, Object body) {
        return sendJson("POST", path, body);
    }

    Answer putBytes(String path, byte[] body, String contentType) {
        return send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(body), contentType, Duration.ofMinutes(5));
    }

    private Answer sendJson(String method, String path, Object body) {
        if (body == null) {
            return send(method, path, HttpRequest.BodyPublishers.noBody(), null, Duration.ofSeconds(30));
        }
        try {
            return send(method, path, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)),
                    "application/json", Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Answer send(String method, String path, HttpRequest.BodyPublisher body, String contentType, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(base() + path);
        } catch (IllegalArgumentException e) {
            throw new Refused(0, null, "bad address " + base() + ": " + e.getMessage());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).method(method, body)
                .header("Accept", "application/json");
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        HttpResponse<byte[]> r;
        try {
            r = client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(base() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
        Answer a = new Answer(r.statusCode(), r.body(), r);
        if (r.statusCode() / 100 != 2) {
            throw refusal(a);
        }
        return a;
    }

    private Refused refusal(Answer a) {
        // The member's 401 says a token is needed; only the CLI knows it sent none and where one goes.
        String hint = a.status() == 401 && token().isEmpty() ? "; no token was sent (set MUSTER_TOKEN)" : "";
        try {
            JsonNode e = JSON.readTree(a.body());
            if (e != null && e.hasNonNull("error")) {
                String field = e.hasNonNull("field") ? " (field " + e.get("field").asText() + ")" : "";
                return new Refused(a.status(), e.get("error").asText(), e.path("message").asText() + field + hint);
            }
        } catch (IOException notJson) {
            // fall through: say what came back
        }
        String text = a.text();
        return new Refused(a.status(), null, (text.isBlank() ? "no message" : text.strip()) + hint);
    }

    private Optional<String> token() {
        String t = env.get("MUSTER_TOKEN");
        return t == null || t.isBlank() ? Optional.empty() : Optional.of(t.strip());
    }

    private HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }
        return client;
    }

    static String encode(String pathPart) {
        return URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
