package io.muster.server.acl;

import java.util.Locale;
import java.util.function.Function;

/**
 * Reads a request's token: {@code Authorization: Bearer SECRET} or {@code X-Muster-Token: SECRET}. An
 * {@code Authorization} header of another scheme (Basic, added by a proxy) is not ours and is ignored. A token that
 * cannot be a secret (empty, too long, characters no secret has, two different ones) is malformed: it is refused as
 * an unknown token would be, never looked up.
 */
public final class Credentials {
    public static final String HEADER = "X-Muster-Token";

    /** What a request presented. */
    public sealed interface Credential {
    }

    /** No token: the request is anonymous. */
    public record None() implements Credential {
    }

    public record Secret(String secret) implements Credential {
        @Override
        public String toString() {
            return "Secret[hidden]";
        }
    }

    public record Malformed(String reason) implements Credential {
    }

    private Credentials() {
    }

    /** @param header a request's header by name (case-insensitive), null when absent */
    public static Credential extract(Function<String, String> header) {
        Credential bearer = bearer(header.apply("Authorization"));
        Credential custom = custom(header.apply(HEADER));
        if (bearer instanceof Malformed) {
            return bearer;
        }
        if (custom instanceof Malformed || bearer instanceof None) {
            return custom;
        }
        if (custom instanceof Secret c && !c.equals(bearer)) {
            return new Malformed("Authorization and " + HEADER + " carry different tokens");
        }
        return bearer;
    }

    private static Credential custom(String value) {
        if (value == null) {
            return new None();
        }
        String token = spaces(value);
        return Secrets.isWellFormed(token) ? new Secret(token) : new Malformed(HEADER + " does not hold a well-formed token");
    }

    private static Credential bearer(String authorization) {
        if (authorization == null) {
            return new None();
        }
        String a = spaces(authorization);
        int space = a.indexOf(' ');
        String scheme = (space < 0 ? a : a.substring(0, space)).toLowerCase(Locale.ROOT);
        if (!scheme.equals("bearer")) {
            return new None();
        }
        String token = space < 0 ? "" : spaces(a.substring(space + 1));
        return Secrets.isWellFormed(token) ? new Secret(token) : new Malformed("Authorization: Bearer does not hold a well-formed token");
    }

    /** Strips spaces and tabs only ({@link String#trim} would also drop control characters a token must not hold). */
    private static String spaces(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }
}
