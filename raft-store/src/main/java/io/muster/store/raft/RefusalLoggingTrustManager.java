package io.muster.store.raft;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft port's trust manager: decides as the JDK's does (chain to the CA, and for a peer we call, its name), but
 * counts every certificate it refuses and says so in the log, at most every {@link #LOG_EVERY_NANOS}. Without it a
 * member with a wrong certificate fails silently: gRPC reports handshake failures only at debug level. Extends
 * {@link X509ExtendedTrustManager} so the engine's host name check still applies.
 */
final class RefusalLoggingTrustManager extends X509ExtendedTrustManager {
    private static final Logger LOG = LoggerFactory.getLogger(RaftTls.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final X509ExtendedTrustManager delegate;
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong unlogged = new AtomicLong();

    RefusalLoggingTrustManager(X509TrustManager delegate) {
        if (!(delegate instanceof X509ExtendedTrustManager extended)) {
            throw new IllegalArgumentException("the JDK trust manager is expected to check host names: " + delegate.getClass());
        }
        this.delegate = extended;
    }

    /** Certificates refused since the member started. */
    long refusals() {
        return refusals.get();
    }

    private interface Check {
        void run() throws CertificateException;
    }

    private void check(String role, X509Certificate[] chain, String peer, Check check) throws CertificateException {
        try {
            check.run();
        } catch (CertificateException e) {
            refusals.incrementAndGet();
            long now = System.nanoTime();
            long last = lastLog.get();
            if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
                long more = unlogged.getAndSet(0);
                LOG.warn("Raft TLS refused the certificate of a {} at {}: subject '{}', issuer '{}': {}{}", role, peer,
                        chain == null || chain.length == 0 ? "none" : chain[0].getSubjectX500Principal().getName(),
                        chain == null || chain.length == 0 ? "none" : chain[0].getIssuerX500Principal().getName(), e.getMessage(),
                        more == 0 ? "" : " (" + more + " more refusals not logged)");
            } else {
                unlogged.incrementAndGet();
            }
            throw e;
        }
    }

    private static String peer(SSLEngine engine) {
        return engine == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort();
    }

    private static String peer(Socket socket) {
        return socket == null ? "?" : String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check("client", chain, peer(engine), () -> delegate.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check("member we called", chain, peer(engine), () -> delegate.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check("client", chain, peer(socket), () -> delegate.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check("member we called", chain, peer(socket), () -> delegate.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check("client", chain, "?", () -> delegate.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check("member we called", chain, "?", () -> delegate.checkServerTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
