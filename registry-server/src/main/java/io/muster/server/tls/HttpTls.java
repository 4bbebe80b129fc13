package io.muster.server.tls;

import io.muster.store.tls.PemFiles;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTPS on the HTTP API: with it the API serves HTTPS only. With {@code clientCa}, a client must also present a
 * certificate that chains to that CA, or the handshake fails.
 */
public record HttpTls(Path cert, Path key, Optional<Path> clientCa) {
    public static final String CERT_FLAG = "--tls-cert";
    public static final String KEY_FLAG = "--tls-key";
    public static final String CLIENT_CA_FLAG = "--tls-client-ca";

    public HttpTls {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientCa, "clientCa");
    }

    /**
     * The setting the three flags make (each may be empty, meaning not given), with every file read and checked.
     *
     * @throws IllegalArgumentException naming the flag: only one of cert and key, a client CA without them, or a
     *         file that is missing, unreadable, not PEM, or a key that does not match the certificate
     */
    public static Optional<HttpTls> fromFlags(String cert, String key, String clientCa) {
        boolean hasCert = !cert.isBlank();
        boolean hasKey = !key.isBlank();
        if (hasCert != hasKey) {
            throw new IllegalArgumentException(hasCert ? CERT_FLAG + " needs " + KEY_FLAG + " (the certificate's private key) too"
                    : KEY_FLAG + " needs " + CERT_FLAG + " (the certificate for that key) too");
        }
        if (!hasCert) {
            if (!clientCa.isBlank()) {
                throw new IllegalArgumentException(CLIENT_CA_FLAG + " needs " + CERT_FLAG + " and " + KEY_FLAG
                        + ": client certificates are asked for only over HTTPS");
            }
            return Optional.empty();
        }
        HttpTls tls = new HttpTls(Path.of(cert), Path.of(key), clientCa.isBlank() ? Optional.empty() : Optional.of(Path.of(clientCa)));
        PemFiles.keyManager(CERT_FLAG, tls.cert(), KEY_FLAG, tls.key());
        tls.clientCa().ifPresent(ca -> PemFiles.trustManager(CLIENT_CA_FLAG, ca));
        return Optional.of(tls);
    }

    /** Turns {@code options} into HTTPS-only options with these files. */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
        clientCa.ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
                .setClientAuth(ClientAuth.REQUIRED));
        return options;
    }

    /** For the startup log line. */
    public String describe() {
        return "HTTPS" + clientCa.map(ca -> ", client certificates from " + ca + " required").orElse("");
    }
}
