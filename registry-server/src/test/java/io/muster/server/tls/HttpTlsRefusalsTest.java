package io.muster.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class HttpTlsRefusalsTest {
    @Test
    void plainBytesAndFailedHandshakesAreRefusalsOtherConnectionErrorsAreNot() {
        assertEquals(Optional.of(HttpTlsRefusals.Reason.NOT_TLS),
                HttpTlsRefusals.classify(new io.netty.handler.codec.DecoderException(new NotSslRecordException("not an SSL/TLS record: 4745"))));
        assertEquals(Optional.of(HttpTlsRefusals.Reason.HANDSHAKE),
                HttpTlsRefusals.classify(new SSLHandshakeException("Empty client certificate chain")));
        assertEquals(Optional.empty(), HttpTlsRefusals.classify(new IOException("Connection reset by peer")));
    }

    @Test
    void eachRefusalIsCountedUnderItsReason() {
        var meters = new SimpleMeterRegistry();
        var refusals = new HttpTlsRefusals(meters);
        refusals.onConnectionError(new NotSslRecordException("not an SSL/TLS record: 417574686f72697a6174696f6e"));
        refusals.onConnectionError(new SSLHandshakeException("bad certificate"));
        refusals.onConnectionError(new SSLHandshakeException("bad certificate"));
        refusals.onConnectionError(new IOException("Connection reset by peer"));
        assertEquals(1.0, meters.counter("muster_http_tls_refusals", "reason", "not_tls").count());
        assertEquals(2.0, meters.counter("muster_http_tls_refusals", "reason", "handshake").count());
    }
}
