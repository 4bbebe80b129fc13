package io.muster.store.raft;

import io.muster.store.tls.PemFiles;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS on the Raft port (design rule 18): this member presents {@code cert}/{@code key} and accepts only peers
 * and clients whose certificate chains to {@code ca}, in both directions. PEM files; {@link #check()} reads them all
 * so that a bad file stops the member at startup, naming the flag.
 */
public record RaftTls(Path cert, Path key, Path ca) {
    public static final String CERT_FLAG = "--raft-tls-cert";
    public static final String KEY_FLAG = "--raft-tls-key";
    public static final String CA_FLAG = "--raft-tls-ca";

    public RaftTls {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ca, "ca");
    }

    /**
     * The setting the three flags make (each may be empty, meaning not given), with the files read and checked.
     *
     * @throws IllegalArgumentException naming the flag: some but not all three given, or a bad file
     */
    public static java.util.Optional<RaftTls> fromFlags(String cert, String key, String ca) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (cert.isBlank()) {
            missing.add(CERT_FLAG);
        }
        if (key.isBlank()) {
            missing.add(KEY_FLAG);
        }
        if (ca.isBlank()) {
            missing.add(CA_FLAG);
        }
        if (missing.size() == 3) {
            return java.util.Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(CERT_FLAG + ", " + KEY_FLAG + " and " + CA_FLAG
                    + " go together (mutual TLS needs this member's certificate, its key and the cluster's CA); missing "
                    + String.join(" and ", missing));
        }
        return java.util.Optional.of(new RaftTls(Path.of(cert), Path.of(key), Path.of(ca)).check());
    }

    /** Reads and checks the three files. @throws IllegalArgumentException naming the flag of the bad file */
    public RaftTls check() {
        PemFiles.keyManager(CERT_FLAG, cert, KEY_FLAG, key);
        PemFiles.trustManager(CA_FLAG, ca);
        return this;
    }

    /** The trust manager of the Raft port: the CA's, counting and logging what it refuses. */
    RefusalLoggingTrustManager trustManager() {
        return new RefusalLoggingTrustManager(PemFiles.trustManager(CA_FLAG, ca));
    }

    /**
     * Ratis parameters carrying the TLS configuration. {@code GrpcConfigKeys.TLS} is the default for all three
     * channels GrpcFactory builds (server-to-server, client and admin), on both ends: the server requires a client
     * certificate, and every client (this member's Raft clients, its log appenders, its vote requests) presents one.
     */
    Parameters parameters(RefusalLoggingTrustManager trust) {
        GrpcTlsConfig conf = new GrpcTlsConfig(PemFiles.keyManager(CERT_FLAG, cert, KEY_FLAG, key), trust, true);
        Parameters p = new Parameters();
        GrpcConfigKeys.TLS.setConf(p, conf);
        return p;
    }
}
