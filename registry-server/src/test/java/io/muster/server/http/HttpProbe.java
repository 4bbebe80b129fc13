package io.muster.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Raw HTTP/1.1 over a socket, so tests can send what the JDK client refuses to: any method, no or odd
 * Content-Type, chunked bodies, invalid UTF-8, bad percent-encoding, huge lines. Also the assertions every
 * bad-input test shares: the contract's error shape, and a catalog that did not move.
 */
final class HttpProbe {
    static final String JSON = "application/json; charset=utf-8";
    static final String VALID = "{\"address\":\"10.0.0.1\",\"port\":8080}";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** What must never reach a client: implementation class names, Jackson's source locations, stack traces. */
    private static final Pattern LEAK = Pattern.compile(
            "io\\.muster|com\\.fasterxml|java\\.|jackson|Exception|\\$[A-Za-z]|at \\[Source|line: \\d|\\bSource:",
            Pattern.CASE_INSENSITIVE);

    /** Where requests go: members by number, and which of them leads. */
    private interface Target {
        int leader();

        int port(int member);
    }

    private final Target target;
    private final String service;
    private Catalog baseline;

    /** @param service the service whose state and index every check compares, besides the service list */
    HttpProbe(TestCluster cluster, String service) {
        this.target = new Target() {
            @Override
            public int leader() {
                return cluster.awaitLeader(Duration.ofSeconds(30));
            }

            @Override
            public int port(int member) {
                return cluster.ports(member).http();
            }
        };
        this.service = service;
    }

    /** Against the in-process API: one member, number 0, which always leads. */
    HttpProbe(InProcessApi api, String service) {
        this.target = new Target() {
            @Override
            public int leader() {
                return 0;
            }

            @Override
            public int port(int member) {
                if (member != 0) {
                    throw new IllegalArgumentException("the in-process API has one member, 0; not " + member);
                }
                return api.port();
            }
        };
        this.service = service;
    }

    /** An HTTP answer with lower-cased header names. */
    record Reply(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + text(), e);
            }
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + (body.length > 500 ? text().substring(0, 500) + "..." : text());
        }
    }

    // ---- sending ----

    int leader() {
        return target.leader();
    }

    int port(int member) {
        return target.port(member);
    }

    Reply get(int member, String target) {
        return send(member, "GET", target, List.of(), null);
    }

    Reply json(int member, String method, String target, String body) {
        return send(member, method, target, List.of("Content-Type: application/json"), utf8(body));
    }

    Reply send(int member, String method, String target, List<String> headers, byte[] body) {
        return exchange(member, request(method, target, headers, body));
    }

    /** Builds a request; adds Host, Connection: close and, unless the caller framed the body itself, Content-Length. */
    static byte[] request(String method, String target, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1\r\n");
        head.append("Connection: close\r\n");
        boolean framed = headers.stream().anyMatch(h -> {
            String l = h.toLowerCase(Locale.ROOT);
            return l.startsWith("content-length:") || l.startsWith("transfer-encoding:");
        });
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        if (body != null && !framed) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** Writes the bytes and reads one answer. A server that answers early and stops reading is fine. */
    Reply exchange(int member, byte[] request) {
        try (Socket s = new Socket("127.0.0.1", port(member))) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException early) {
                // the server may close after answering (413 on a large body): read what it said
            }
            return read(s.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reply read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed without an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> length = headers.get("content-length");
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (true) {
                        String trailer = line(in);
                        if (trailer == null || trailer.isEmpty()) {
                            break;
                        }
                    }
                    break;
                }
                body.writeBytes(in.readNBytes(n));
                line(in);
            }
        } else if (length != null) {
            body.writeBytes(in.readNBytes(Integer.parseInt(length.get(0))));
        } else {
            try {
                body.writeBytes(in.readAllBytes());
            } catch (IOException reset) {
                // what arrived before a reset is the answer
            }
        }
        return new Reply(status, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** The body framed as chunks of at most {@code size} bytes. */
    static byte[] chunked(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += size) {
            int n = Math.min(size, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static String repeat(String s, int n) {
        return s.repeat(n);
    }

    // ---- assertions ----

    /** The contract's error: status, JSON content type, {"error": code, "message": ...}, and no leaked internals. */
    static JsonNode assertError(Reply r, int status, String code) {
        assertEquals(status, r.status(), () -> "status of " + r);
        assertEquals(JSON, r.header("Content-Type"), () -> "content type of " + r);
        JsonNode body = r.json();
        assertTrue(body.isObject(), () -> "error body is an object: " + r);
        assertEquals(code, body.path("error").asText(null), () -> "error code of " + r);
        JsonNode message = body.get("message");
        assertNotNull(message, () -> "message in " + r);
        assertTrue(message.isTextual() && !message.asText().isBlank(), () -> "message in " + r);
        assertFalse(LEAK.matcher(message.asText()).find(), () -> "message leaks internals: " + message.asText());
        JsonNode field = body.get("field");
        if (field != null) {
            assertTrue(field.isTextual(), () -> "field is a string: " + r);
            assertFalse(LEAK.matcher(field.asText()).find(), () -> "field leaks internals: " + field.asText());
        }
        return body;
    }

    static JsonNode assertError(Reply r, int status, String code, String field) {
        JsonNode body = assertError(r, status, code);
        assertEquals(field, body.path("field").asText(null), () -> "field of " + r);
        return body;
    }

    static JsonNode assertInvalid(Reply r, String field) {
        return assertError(r, 400, "invalid_argument", field);
    }

    static JsonNode assertInvalid(Reply r) {
        return assertError(r, 400, "invalid_argument");
    }

    /** Any answer a client can live with: 2xx, or a 4xx in the contract's error shape. Never a 5xx. */
    static void assertHandled(Reply r, String what) {
        if (r.status() >= 500) {
            fail("5xx for " + what + ": " + r);
        }
        if (r.status() >= 400) {
            assertEquals(JSON, r.header("Content-Type"), () -> "content type for " + what + ": " + r);
            JsonNode body = r.json();
            assertTrue(body.path("error").isTextual(), () -> "error code for " + what + ": " + r);
            assertTrue(body.path("message").isTextual(), () -> "message for " + what + ": " + r);
            assertFalse(LEAK.matcher(body.path("message").asText()).find(), () -> "leak for " + what + ": " + r);
        }
    }

    // ---- the catalog did not move ----

    /**
     * The leader's own view (consistency=default on the leader): on a quiet cluster that is every acknowledged
     * write. Not consistency=consistent: a read-index read currently stalls every later write on that member
     * for the write deadline (RaftNode.readBarrier sends it through the shared ordered async client).
     */
    private static final String LEADER_VIEW = "consistency=default";

    /** What the leader reports: the service list with its index, and the watched service with its index. */
    record Catalog(String services, String servicesIndex, String service, String serviceIndex) {
    }

    Catalog catalog() {
        int leader = leader();
        Reply list = get(leader, "/v1/services?" + LEADER_VIEW);
        Reply one = get(leader, "/v1/services/" + service + "?" + LEADER_VIEW);
        assertEquals(200, list.status(), () -> "list: " + list);
        assertEquals(200, one.status(), () -> "service: " + one);
        return new Catalog(list.text(), list.header("X-Muster-Index"), one.text(), one.header("X-Muster-Index"));
    }

    /** Records the catalog as it is now: the state every later bad request must leave alone. */
    void snapshot() {
        baseline = catalog();
    }

    Catalog baseline() {
        return baseline;
    }

    /** The catalog is as at the last snapshot, and the member that took the bad request still serves a good read. */
    void assertUnchanged(int member) {
        assertEquals(baseline, catalog(), "the catalog changed");
        Reply read = get(member, "/v1/services/" + service + "?consistency=stale");
        assertEquals(200, read.status(), () -> "a valid read after bad input: " + read);
    }

    /** Waits until every member has published its addresses, which moves the catalog's index once at startup. */
    void awaitSettled(int size) {
        TestCluster.await("members published", Duration.ofSeconds(30), () -> {
            Reply c = get(leader(), "/v1/cluster");
            if (c.status() != 200) {
                return false;
            }
            JsonNode members = c.json().path("members");
            if (members.size() != size) {
                return false;
            }
            for (JsonNode m : members) {
                if (m.path("httpAddress").isNull() || m.path("httpAddress").isMissingNode()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Registers an instance and fails the test unless it was accepted. */
    void register(String service, String id, String body) {
        Reply r = json(leader(), "PUT", "/v1/services/" + service + "/instances/" + id, body);
        assertEquals(200, r.status(), () -> "registering " + service + "/" + id + ": " + r);
    }
}
