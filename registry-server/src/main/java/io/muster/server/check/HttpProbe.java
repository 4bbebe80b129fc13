package io.muster.server.check;

import io.muster.store.model.Check;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * {@code {"http": URL}}: GET the URL; 2xx is passing, 429 warning, anything else critical, as are a timeout, a
 * refused or reset connection and a response that is not HTTP. The first bytes of the body become the note.
 *
 * <p>A target is untrusted and may be slow or hostile, so a probe costs at most its timeout and a bounded amount
 * of memory: it is asynchronous end to end (Vert.x client, no thread waits), one deadline covers connecting,
 * redirects and reading; at most {@link CheckSettings#BODY_LIMIT} bytes of the body are read and the stream is
 * then reset; header sizes are Vert.x's bounded defaults. Redirects are followed only to the same scheme, host
 * and port (a few hops), never elsewhere: a check must not be turned into a request to some other server.
 *
 * <p>Before connecting, the host is resolved and judged by {@link CheckTargets} (design rule 19), and the probe
 * connects to the judged address itself (the URL's host still names the server in {@code Host} and TLS SNI), so
 * the name is never resolved twice. A same-origin redirect goes to that same address: no hop is ever resolved
 * anew. Consul follows any redirect; Muster follows only same-origin ones, so a target cannot bounce a probe to
 * an address nobody judged. The note is the status line and the first bytes of the body, cut to
 * {@link CheckSettings#NOTE_LIMIT} printable characters: only targets the policy allows are ever read, and the
 * body is what tells an operator why a service is failing (Consul keeps it too).
 *
 * <p>Each probe opens its own connection and closes it (no keep-alive), as Consul does, so a probe measures a
 * fresh connect and never fails on a pooled connection the target closed while idle.
 */
final class HttpProbe {
    static final int MAX_REDIRECTS = 3;
    private final Vertx vertx;
    private final HttpClient client;
    private final String userAgent;
    private final CheckTargets targets;

    HttpProbe(Vertx vertx, String memberId, int maxConnections, CheckTargets targets) {
        this.vertx = vertx;
        this.targets = targets;
        this.userAgent = "muster-check/" + memberId;
        HttpClientOptions options = new HttpClientOptions()
                .setName("muster-checks")
                .setKeepAlive(false)
                .setDecompressionSupported(false)
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(8192);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    CompletableFuture<ProbeResult> run(Check.Http check) {
        Attempt attempt = new Attempt(vertx, check.timeout(), "GET");
        URI uri;
        try {
            uri = URI.create(check.http());
        } catch (IllegalArgumentException e) {
            attempt.finish(ProbeResult.critical("bad URL: " + e.getMessage()));
            return attempt.result;
        }
        CheckTargets.Target target = CheckTargets.target(check).orElse(null);
        if (target == null) {
            attempt.finish(ProbeResult.critical("bad URL " + check.http()));
            return attempt.result;
        }
        targets.atProbe(target).whenComplete((verdict, t) -> {
            if (t != null) {
                attempt.finish(ProbeResult.critical("GET failed: " + Notes.describe(t)));
            } else if (verdict instanceof CheckTargets.Verdict.Allowed a) {
                if (!attempt.done()) {
                    send(attempt, uri, CheckTargets.literal(a.address()), check.timeout().toMillis(), MAX_REDIRECTS);
                }
            } else if (verdict instanceof CheckTargets.Verdict.Refused r) {
                attempt.finish(ProbeResult.critical("refused: " + r.reason()));
            } else {
                attempt.finish(ProbeResult.critical("GET failed: " + ((CheckTargets.Verdict.Unresolved) verdict).reason()));
            }
        });
        return attempt.result;
    }

    private void send(Attempt attempt, URI uri, SocketAddress server, long timeoutMs, int redirectsLeft) {
        RequestOptions options;
        try {
            // Connect by the judged literal (never the name); the name still goes in Host, via authority() below.
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            options = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost(server.host())
                    .setPort(server.port())
                    .setSsl("https".equalsIgnoreCase(uri.getScheme()))
                    .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
                    .setFollowRedirects(false)
                    .setConnectTimeout(timeoutMs)
                    .putHeader("User-Agent", userAgent)
                    .putHeader("Accept", "text/plain, application/json, */*");
        } catch (RuntimeException e) {
            attempt.finish(ProbeResult.critical("bad URL " + Notes.describe(e)));
            return;
        }
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                attempt.finish(ProbeResult.critical("GET failed: " + Notes.describe(ar.cause())));
                return;
            }
            HttpClientRequest request = ar.result();
            request.authority(io.vertx.core.net.HostAndPort.create(uri.getHost(), server.port()));
            // Failures arrive through send()'s future; without a handler Vert.x would log our own resets as errors.
            request.exceptionHandler(t -> { });
            // A hostile target's resets and garbage are its verdict, not the member's errors to log.
            request.connection().exceptionHandler(t -> { });
            attempt.hold(() -> request.reset());
            if (attempt.done()) {
                return;
            }
            request.send().onComplete(rr -> {
                if (rr.failed()) {
                    attempt.finish(ProbeResult.critical("GET failed: " + Notes.describe(rr.cause())));
                } else {
                    onResponse(attempt, uri, server, rr.result(), timeoutMs, redirectsLeft);
                }
            });
        });
    }

    private void onResponse(Attempt attempt, URI uri, SocketAddress server, HttpClientResponse response, long timeoutMs, int redirectsLeft) {
        int code = response.statusCode();
        if (isRedirect(code)) {
            URI next = sameOrigin(uri, response.getHeader("Location"));
            if (next != null && redirectsLeft > 0 && !attempt.done()) {
                // Drop this response's connection rather than read a body nobody needs.
                response.exceptionHandler(t -> { });
                response.request().reset();
                attempt.letGo();
                send(attempt, next, server, timeoutMs, redirectsLeft - 1);
            } else {
                attempt.finish(ProbeResult.critical("HTTP " + code + ": redirect not followed"
                        + (next == null ? " (to another host)" : " (too many)")));
            }
            return;
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            int room = CheckSettings.BODY_LIMIT - body.length();
            if (room > 0) {
                body.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
            }
            if (body.length() >= CheckSettings.BODY_LIMIT) {
                // Enough for a note: reset the stream instead of reading (and buffering) the rest.
                attempt.finish(verdict(code, response.statusMessage(), body));
            }
        });
        response.exceptionHandler(t -> attempt.finish(verdict(code, response.statusMessage(), body)));
        response.endHandler(v -> {
            attempt.letGo();
            attempt.finish(verdict(code, response.statusMessage(), body));
        });
    }

    /** The status code decides; a body cut short by the target still leaves the code it sent (as Consul). */
    static ProbeResult verdict(int code, String reason, Buffer body) {
        String text = body.length() == 0 ? "" : ": " + new String(body.getBytes(), StandardCharsets.UTF_8);
        String note = "HTTP " + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + text;
        if (code >= 200 && code < 300) {
            return ProbeResult.passing(note);
        }
        if (code == 429) {
            return ProbeResult.warning(note);
        }
        return ProbeResult.critical(note);
    }

    private static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /** Where {@code location} points, if it stays on {@code from}'s scheme, host and port; else null. */
    static URI sameOrigin(URI from, String location) {
        if (location == null || location.isEmpty()) {
            return null;
        }
        URI to;
        try {
            to = from.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (to.getScheme() == null || to.getHost() == null) {
            return null;
        }
        boolean same = to.getScheme().toLowerCase(Locale.ROOT).equals(from.getScheme().toLowerCase(Locale.ROOT))
                && to.getHost().equalsIgnoreCase(from.getHost())
                && port(to) == port(from)
                && Objects.equals(to.getRawUserInfo(), from.getRawUserInfo());
        return same ? to : null;
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    void close() {
        client.close();
    }
}
