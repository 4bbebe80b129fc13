package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings fail where they are made: a CA file the client cannot use, or two TLS settings at once. */
class TlsSettingsTest {
    @TempDir
    Path dir;

    private static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void aCaFileThatIsMissingOrNotPemIsRefused() throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().trustedCertificates(missing)),
                missing.toString(), "does not exist");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate at all");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().trustedCertificates(garbage)),
                garbage.toString(), "not a PEM certificate");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().trustedCertificates(empty)),
                empty.toString());
        Path truncated = Files.writeString(dir.resolve("cut.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().trustedCertificates(truncated));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().trustedCertificates(dir));
        assertThrows(NullPointerException.class, () -> MusterClient.builder().trustedCertificates(null));
        assertThrows(NullPointerException.class, () -> MusterClient.builder().sslContext(null));
    }

    @Test
    void onlyOneTlsSettingIsTaken() throws Exception {
        MusterClientBuilder b = MusterClient.builder().sslContext(SSLContext.getDefault());
        assertMentions(assertThrows(IllegalStateException.class, () -> b.sslContext(SSLContext.getDefault())), "already set");
        assertMentions(assertThrows(IllegalStateException.class, () -> b.trustedCertificates(Path.of("ca.pem"))), "already set");
    }
}
