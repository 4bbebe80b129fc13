package io.muster.store.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Reads the PEM files an operator hands to {@code --tls-*} and {@code --raft-tls-*} with the JDK alone, and fails
 * with a message that names the flag and says what is wrong (missing, unreadable, not PEM, key not matching its
 * certificate), so a member with a bad file refuses to start instead of failing at its first handshake.
 *
 * <p>Keys must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), what {@code openssl genpkey} and {@code openssl req
 * -newkey} write; older PKCS#1 or SEC1 files are refused with the command that converts them.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** Far above any real certificate chain or key; a bigger file is not what the flag expects. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    private PemFiles() {
    }

    /** The certificates in {@code file}, in file order (a chain starts with the leaf); at least one. */
    public static List<X509Certificate> certificates(String flag, Path file) {
        List<X509Certificate> certs = new ArrayList<>();
        for (Block b : blocks(flag, file)) {
            if (!b.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(b.der()));
                certs.add((X509Certificate) c);
            } catch (CertificateException e) {
                throw bad(flag, file, "holds a CERTIFICATE block that is not a valid X.509 certificate (" + e.getMessage() + ")");
            }
        }
        if (certs.isEmpty()) {
            throw bad(flag, file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certs;
    }

    /** The one unencrypted PKCS#8 private key in {@code file}. */
    public static PrivateKey privateKey(String flag, Path file) {
        List<Block> keys = blocks(flag, file).stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw bad(flag, file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        if (keys.size() > 1) {
            throw bad(flag, file, "holds " + keys.size() + " private keys; give exactly one");
        }
        Block key = keys.get(0);
        if (!key.type().equals("PRIVATE KEY")) {
            throw bad(flag, file, "holds a " + key.type() + "; only unencrypted PKCS#8 (BEGIN PRIVATE KEY) is read. Convert it with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pk8");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.der()));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw bad(flag, file, "holds a private key that is not RSA, EC or Ed25519 PKCS#8");
    }

    /** A key manager presenting the chain in {@code certFile} with the key in {@code keyFile}; checks they belong together. */
    public static X509KeyManager keyManager(String certFlag, Path certFile, String keyFlag, Path keyFile) {
        List<X509Certificate> chain = certificates(certFlag, certFile);
        PrivateKey key = privateKey(keyFlag, keyFile);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException(keyFlag + " " + keyFile + ": this key does not belong to the first certificate in "
                    + certFlag + " " + certFile);
        }
        try {
            KeyStore store = emptyStore();
            char[] password = new char[0];
            store.setKeyEntry("muster", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, password);
            return (X509KeyManager) f.getKeyManagers()[0];
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyFlag + " " + keyFile + ": cannot be used with " + certFlag + ": " + e.getMessage(), e);
        }
    }

    /** A trust manager that accepts exactly the chains ending at a certificate in {@code caFile}. */
    public static X509TrustManager trustManager(String flag, Path caFile) {
        List<X509Certificate> cas = certificates(flag, caFile);
        try {
            KeyStore store = emptyStore();
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return (X509TrustManager) f.getTrustManagers()[0];
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(flag + " " + caFile + ": cannot be used as a trust store: " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    /** Signs a random message with the key and verifies it with the certificate's public key. */
    private static boolean matches(PrivateKey key, PublicKey cert) {
        if (!key.getAlgorithm().equals(cert.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String flag, Path file) {
        String text = read(flag, file);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw bad(flag, file, "holds a " + m.group(1) + " block that is not valid base64");
            }
        }
        if (blocks.isEmpty()) {
            throw bad(flag, file, "is not a PEM file (no -----BEGIN ...----- block)");
        }
        if (blocks.stream().anyMatch(b -> b.type().equals("ENCRYPTED PRIVATE KEY"))) {
            throw bad(flag, file, "holds an encrypted private key; give an unencrypted one (openssl pkcs8 -in " + file
                    + " -nocrypt -out " + file + ".pk8) and protect the file with its permissions");
        }
        return blocks;
    }

    private static String read(String flag, Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw bad(flag, file, "is a directory, not a PEM file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw bad(flag, file, "is larger than " + MAX_FILE_BYTES + " bytes, not a PEM certificate or key");
            }
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw bad(flag, file, "does not exist");
        } catch (AccessDeniedException e) {
            throw bad(flag, file, "cannot be read (permission denied)");
        } catch (IOException e) {
            throw bad(flag, file, "cannot be read: " + e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String flag, Path file, String what) {
        return new IllegalArgumentException(flag + " " + file + ": " + what);
    }
}
