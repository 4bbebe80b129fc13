package io.muster.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** An {@link SSLContext} that trusts exactly the CA certificates of one PEM file, built with the JDK alone. */
public final class TrustedCertificates {
    private TrustedCertificates() {
    }

    /**
     * @throws IllegalArgumentException if the file is missing, unreadable or holds no PEM certificate
     */
    public static SSLContext sslContext(Path caPemFile) {
        Collection<? extends Certificate> cas;
        try (InputStream in = Files.newInputStream(caPemFile)) {
            cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("trustedCertificates: " + caPemFile + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("trustedCertificates: " + caPemFile + " cannot be read: " + e, e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("trustedCertificates: " + caPemFile + " is not a PEM certificate file: " + e.getMessage(), e);
        }
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("trustedCertificates: " + caPemFile + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate ca : cas) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context from " + caPemFile + ": " + e, e);
        }
    }
}
