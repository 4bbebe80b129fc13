package io.muster.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.ServerConfig;
import io.muster.server.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member with a TLS flag it cannot use refuses to start, and the message names the flag and the problem. */
class TlsFlagsTest {
    private static final TestCertificates CERTS = TestCertificates.cluster();
    @TempDir
    Path dir;

    private static ServerConfig parse(String... flags) {
        return ServerConfig.parse(List.of(flags), Map.of());
    }

    private static String refusal(String... flags) {
        return assertThrows(IllegalArgumentException.class, () -> parse(flags)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + message + "' should mention '" + part + "'");
        }
    }

    private String cert() {
        return CERTS.cert("n1").toString();
    }

    private String key() {
        return CERTS.key("n1").toString();
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.ISO_8859_1);
    }

    @Test
    void withoutFlagsNothingIsEncrypted() {
        ServerConfig c = parse();
        assertEquals(Optional.empty(), c.httpTls());
        assertEquals(Optional.empty(), c.raftTls());
        assertEquals(Optional.empty(), c.raftSettings(java.time.Clock.systemUTC()).tls());
    }

    @Test
    void goodFilesFromFlagsOrEnvironmentAreTaken() {
        ServerConfig c = parse("--tls-cert", cert(), "--tls-key", key(), "--tls-client-ca", CERTS.ca().toString(),
                "--raft-tls-cert", cert(), "--raft-tls-key", key(), "--raft-tls-ca", CERTS.ca().toString());
        assertEquals(Optional.of(CERTS.ca()), c.httpTls().orElseThrow().clientCa());
        assertEquals(CERTS.ca(), c.raftSettings(java.time.Clock.systemUTC()).tls().orElseThrow().ca());

        ServerConfig env = ServerConfig.parse(List.of(), Map.of("MUSTER_TLS_CERT", cert(), "MUSTER_TLS_KEY", key(),
                "MUSTER_TLS_CLIENT_CA", CERTS.ca().toString(), "MUSTER_RAFT_TLS_CERT", cert(), "MUSTER_RAFT_TLS_KEY", key(),
                "MUSTER_RAFT_TLS_CA", CERTS.ca().toString()));
        assertEquals(CERTS.cert("n1"), env.httpTls().orElseThrow().cert());
        assertEquals(CERTS.key("n1"), env.raftTls().orElseThrow().key());
    }

    @Test
    void certificateAndKeyGoTogether() {
        assertMentions(refusal("--tls-cert", cert()), "--tls-cert needs --tls-key");
        assertMentions(refusal("--tls-key", key()), "--tls-key needs --tls-cert");
        assertMentions(refusal("--tls-client-ca", CERTS.ca().toString()), "--tls-client-ca needs --tls-cert");
        assertMentions(refusal("--raft-tls-cert", cert(), "--raft-tls-key", key()), "go together", "missing --raft-tls-ca");
        assertMentions(refusal("--raft-tls-ca", CERTS.ca().toString()), "missing --raft-tls-cert and --raft-tls-key");
    }

    @Test
    void aMissingOrUnusableFileIsNamed() throws Exception {
        String missing = dir.resolve("nope.pem").toString();
        assertMentions(refusal("--tls-cert", missing, "--tls-key", key()), "--tls-cert " + missing, "does not exist");
        assertMentions(refusal("--tls-cert", cert(), "--tls-key", dir.toString()), "--tls-key", "is a directory");
        assertMentions(refusal("--raft-tls-cert", cert(), "--raft-tls-key", key(), "--raft-tls-ca", missing),
                "--raft-tls-ca " + missing, "does not exist");
        if (!"root".equals(System.getProperty("user.name"))) {
            Path locked = Files.copy(CERTS.key("n1"), dir.resolve("locked.key"));
            locked.toFile().setReadable(false, false);
            assertMentions(refusal("--tls-cert", cert(), "--tls-key", locked.toString()), "--tls-key", "cannot be read");
        }
    }

    @Test
    void contentThatIsNotWhatTheFlagWantsIsRefused() throws Exception {
        Path garbage = file("garbage.pem", "hello, this is not PEM\n\u0000\u00ff\u0001");
        assertMentions(refusal("--tls-cert", garbage.toString(), "--tls-key", key()), "--tls-cert", "is not a PEM file");
        Path truncated = file("truncated.pem", Files.readString(CERTS.cert("n1")).replace("-----END CERTIFICATE-----", ""));
        assertMentions(refusal("--tls-cert", truncated.toString(), "--tls-key", key()), "--tls-cert", "is not a PEM file");
        Path notDer = file("notder.pem", "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n");
        assertMentions(refusal("--tls-client-ca", notDer.toString(), "--tls-cert", cert(), "--tls-key", key()),
                "--tls-client-ca", "not a valid X.509 certificate");
        Path badBase64 = file("bad64.pem", "-----BEGIN CERTIFICATE-----\nAA=A=A\n-----END CERTIFICATE-----\n");
        assertMentions(refusal("--tls-cert", badBase64.toString(), "--tls-key", key()), "--tls-cert", "not valid base64");
        // a key where the certificate belongs, and the other way round
        assertMentions(refusal("--tls-cert", key(), "--tls-key", key()), "--tls-cert", "holds no PEM certificate");
        assertMentions(refusal("--tls-cert", cert(), "--tls-key", cert()), "--tls-key", "holds no PEM private key");
        assertMentions(refusal("--raft-tls-cert", cert(), "--raft-tls-key", key(), "--raft-tls-ca", key()),
                "--raft-tls-ca", "holds no PEM certificate");
        Path huge = file("huge.pem", "x".repeat((1 << 20) + 1));
        assertMentions(refusal("--tls-cert", huge.toString(), "--tls-key", key()), "--tls-cert", "larger than");
    }

    @Test
    void keysMustBeUnencryptedPkcs8AndMatchTheCertificate() throws Exception {
        Path pkcs1 = file("rsa.key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertMentions(refusal("--tls-cert", cert(), "--tls-key", pkcs1.toString()), "--tls-key", "RSA PRIVATE KEY",
                "openssl pkcs8 -topk8 -nocrypt");
        Path encrypted = file("enc.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertMentions(refusal("--tls-cert", cert(), "--tls-key", encrypted.toString()), "--tls-key", "encrypted");
        Path notAKey = file("junk.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertMentions(refusal("--tls-cert", cert(), "--tls-key", notAKey.toString()), "--tls-key", "not RSA, EC or Ed25519");
        Path twoKeys = file("two.key", Files.readString(CERTS.key("n1")) + Files.readString(CERTS.key("n2")));
        assertMentions(refusal("--tls-cert", cert(), "--tls-key", twoKeys.toString()), "--tls-key", "2 private keys");
        assertMentions(refusal("--raft-tls-cert", cert(), "--raft-tls-key", CERTS.key("n2").toString(), "--raft-tls-ca",
                CERTS.ca().toString()), "--raft-tls-key", "does not belong", "--raft-tls-cert");
    }

    @Test
    void theHelpListsEveryTlsFlag() {
        String usage = ServerConfig.usage();
        List<String> absent = new ArrayList<>();
        for (String flag : List.of("tls-cert", "tls-key", "tls-client-ca", "raft-tls-cert", "raft-tls-key", "raft-tls-ca")) {
            if (!usage.contains("--" + flag) || !usage.contains(ServerConfig.envName(flag))) {
                absent.add(flag);
            }
        }
        assertEquals(List.of(), absent);
    }
}
