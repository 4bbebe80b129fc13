package io.muster.server.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections the HTTPS port refused before any request: plain HTTP sent to it, or a TLS handshake that failed (no
 * client certificate where {@code --tls-client-ca} asks for one, a certificate from another CA, no common protocol).
 * Vert.x reports these to the server's exception handler only; without this they pass unseen. Each is counted in
 * {@code muster_http_tls_refusals_total{reason}} and logged at most every ten seconds.
 */
public final class HttpTlsRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTlsRefusals.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Why a connection was refused; the metric's {@code reason} label. */
    public enum Reason {
        NOT_TLS("not_tls"), HANDSHAKE("handshake");

        private final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    private final Counter notTls;
    private final Counter handshake;
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong unlogged = new AtomicLong();

    public HttpTlsRefusals(MeterRegistry meters) {
        this.notTls = counter(meters, Reason.NOT_TLS);
        this.handshake = counter(meters, Reason.HANDSHAKE);
    }

    private static Counter counter(MeterRegistry meters, Reason reason) {
        return Counter.builder("muster_http_tls_refusals").tag("reason", reason.label)
                .description("connections the HTTPS port refused before a request: plain HTTP, or a failed TLS handshake")
                .register(meters);
    }

    /** Which kind of refusal {@code error} is, if it is one; connection errors of other kinds are not counted. */
    public static java.util.Optional<Reason> classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            // Netty's NotSslRecordException (plain bytes where a TLS record was due) is an SSLException too: by name
            // first, so that registry-server does not depend on Netty's handler classes directly.
            if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
                return java.util.Optional.of(Reason.NOT_TLS);
            }
            if (t instanceof SSLException) {
                return java.util.Optional.of(Reason.HANDSHAKE);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return java.util.Optional.empty();
    }

    private static String handshakeMessage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException && t.getMessage() != null) {
                String m = t.getMessage();
                return m.length() > 200 ? m.substring(0, 200) + "..." : m;
            }
        }
        return error.getClass().getSimpleName();
    }

    /** The server's exception handler: counts and logs a refusal; ignores other connection errors. */
    public void onConnectionError(Throwable error) {
        classify(error).ifPresent(reason -> {
            (reason == Reason.NOT_TLS ? notTls : handshake).increment();
            long now = System.nanoTime();
            long last = lastLog.get();
            if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
                long more = unlogged.getAndSet(0);
                // Never the message of a not-TLS refusal: Netty puts the received bytes in it, in hex, and plain
                // HTTP sent here may carry an ACL token.
                LOG.warn("HTTPS refused a connection ({}): {}{}", reason.label,
                        reason == Reason.NOT_TLS ? "plain bytes where a TLS record was due" : handshakeMessage(error),
                        more == 0 ? "" : " (" + more + " more refusals not logged)");
            } else {
                unlogged.incrementAndGet();
            }
        });
    }
}
