package io.muster.server.testing;

import io.muster.store.tls.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A private CA with certificates for members n1..n4 and a client, made once per JVM by {@code bin/make-test-ca}
 * (openssl), the very script docs/tls.md has operators run; {@link #other()} is a second, unrelated CA with
 * certificates of the same names, for "a stranger with a valid-looking certificate".
 */
public final class TestCertificates {
    private static final Path SCRIPT = Path.of("..", "bin", "make-test-ca").toAbsolutePath().normalize();
    private static volatile TestCertificates cluster;
    private static volatile TestCertificates other;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** The cluster's CA and certificates. */
    public static synchronized TestCertificates cluster() {
        if (cluster == null) {
            cluster = make("muster-test-ca");
        }
        return cluster;
    }

    /** Another CA, which the cluster does not trust. */
    public static synchronized TestCertificates other() {
        if (other == null) {
            other = make("muster-other-ca");
        }
        return other;
    }

    private static TestCertificates make(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Process p = new ProcessBuilder(SCRIPT.toString(), dir.toString(), "n1", "n2", "n3", "n4")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(SCRIPT + " failed: " + output);
            }
            return new TestCertificates(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + SCRIPT + " (is openssl installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public Path dir() {
        return dir;
    }

    /** Server flags for HTTPS on the API with {@code name}'s certificate. */
    public Map<String, String> httpFlags(String name) {
        return Map.of("tls-cert", cert(name).toString(), "tls-key", key(name).toString());
    }

    /** Server flags for mutual TLS on Raft with {@code name}'s certificate and this CA. */
    public Map<String, String> raftFlags(String name) {
        return Map.of("raft-tls-cert", cert(name).toString(), "raft-tls-key", key(name).toString(), "raft-tls-ca", ca().toString());
    }

    /** A client context that trusts this CA and presents no certificate. */
    public SSLContext trustingContext() {
        return context(null);
    }

    /** A client context that trusts this CA and presents {@code name}'s certificate. */
    public SSLContext clientContext(String name) {
        return context(new KeyManager[] {PemFiles.keyManager("cert", cert(name), "key", key(name))});
    }

    private SSLContext context(KeyManager[] keys) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keys, new TrustManager[] {PemFiles.trustManager("ca", ca())}, null);
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
