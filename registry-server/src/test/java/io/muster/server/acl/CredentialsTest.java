package io.muster.server.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token extraction from headers, hostile values included, and the secrets themselves. */
class CredentialsTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static Credentials.Credential extract(String... headers) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i].toLowerCase(Locale.ROOT), headers[i + 1]);
        }
        return Credentials.extract(name -> h.get(name.toLowerCase(Locale.ROOT)));
    }

    @Test
    void noHeaderIsAnonymous() {
        assertInstanceOf(Credentials.None.class, extract());
    }

    @Test
    void bearerAndCustomHeaderBothCarryTheToken() {
        assertEquals(new Credentials.Secret(SECRET), extract("Authorization", "Bearer " + SECRET));
        assertEquals(new Credentials.Secret(SECRET), extract("Authorization", "bearer   " + SECRET + "  "));
        assertEquals(new Credentials.Secret(SECRET), extract("X-Muster-Token", SECRET));
        assertEquals(new Credentials.Secret(SECRET), extract("Authorization", "Bearer " + SECRET, "X-Muster-Token", SECRET));
    }

    @Test
    void anotherAuthorizationSchemeIsNotOurs() {
        assertInstanceOf(Credentials.None.class, extract("Authorization", "Basic dXNlcjpwYXNz"));
        assertEquals(new Credentials.Secret(SECRET), extract("Authorization", "Basic dXNlcjpwYXNz", "X-Muster-Token", SECRET));
    }

    @Test
    void twoDifferentTokensAreMalformed() {
        assertInstanceOf(Credentials.Malformed.class, extract("Authorization", "Bearer " + SECRET, "X-Muster-Token", SECRET + "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Bearer", "Bearer ", "Bearer a b", "Bearer \u0000abc", "Bearer abc\r\nX-Evil: 1",
        "Bearer ünïcode", "Bearer {\"json\":1}", "Bearer a;b", "Bearer %00"})
    void hostileBearerValuesAreMalformedNotLookedUp(String header) {
        Credentials.Credential c = extract("Authorization", header);
        if (header.isBlank()) {
            // An empty Authorization header names no scheme at all: nothing of ours.
            assertInstanceOf(Credentials.None.class, c);
        } else {
            assertInstanceOf(Credentials.Malformed.class, c, header);
        }
    }

    @Test
    void anOversizedTokenIsMalformed() {
        assertInstanceOf(Credentials.Malformed.class, extract("X-Muster-Token", "a".repeat(Secrets.MAX_SECRET + 1)));
        assertInstanceOf(Credentials.Secret.class, extract("X-Muster-Token", "a".repeat(Secrets.MAX_SECRET)));
        assertInstanceOf(Credentials.Malformed.class, extract("X-Muster-Token", ""));
        assertInstanceOf(Credentials.Malformed.class, extract("X-Muster-Token", "tab\there"));
    }

    @Test
    void aSecretNeverShowsInToString() {
        assertFalse(new Credentials.Secret(SECRET).toString().contains(SECRET));
        assertFalse(AclSettings.parse("deny", SECRET).toString().contains(SECRET));
    }

    @Test
    void generatedSecretsAreLongRandomAndWellFormed() {
        String a = Secrets.newSecret();
        assertEquals(64, a.length());
        assertTrue(Secrets.isWellFormed(a));
        assertNotEquals(a, Secrets.newSecret());
        assertEquals(Secrets.sha256(a), Secrets.sha256(a));
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Secrets.sha256("test"));
    }

    @Test
    void settingsRefuseAWeakOrMalformedBootstrapSecretAndAnUnknownPolicy() {
        assertThrows(IllegalArgumentException.class, () -> AclSettings.parse("deny", "short"));
        assertThrows(IllegalArgumentException.class, () -> AclSettings.parse("deny", "has spaces in it, sixteen+"));
        assertThrows(IllegalArgumentException.class, () -> AclSettings.parse("maybe", ""));
        assertTrue(AclSettings.parse("deny", "").denyByDefault());
        assertFalse(AclSettings.parse("allow", "").denyByDefault());
    }
}
