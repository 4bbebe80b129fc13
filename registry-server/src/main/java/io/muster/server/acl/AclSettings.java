package io.muster.server.acl;

import java.util.Optional;

/**
 * The ACL flags: what a request with no token, or a token no rule covers, may do ({@code allow}: everything;
 * {@code deny}: nothing), and the secret of the management token the leader creates when the cluster was never
 * bootstrapped.
 */
public record AclSettings(boolean denyByDefault, Optional<String> bootstrapSecret) {
    public static final AclSettings OFF = new AclSettings(false, Optional.empty());

    public AclSettings {
        bootstrapSecret.ifPresent(s -> {
            if (!Secrets.isWellFormed(s) || s.length() < Secrets.MIN_CHOSEN_SECRET) {
                throw new IllegalArgumentException("--acl-bootstrap-token must be " + Secrets.MIN_CHOSEN_SECRET + " to "
                        + Secrets.MAX_SECRET + " characters of A-Z a-z 0-9 - . _ ~ + / = (e.g. openssl rand -hex 32)");
            }
        });
    }

    /** Parses {@code --acl-default-policy} and {@code --acl-bootstrap-token} (empty: none). */
    public static AclSettings parse(String defaultPolicy, String bootstrapSecret) {
        boolean deny = switch (defaultPolicy) {
            case "allow" -> false;
            case "deny" -> true;
            default -> throw new IllegalArgumentException("--acl-default-policy must be allow or deny, got " + defaultPolicy);
        };
        return new AclSettings(deny, bootstrapSecret.isEmpty() ? Optional.empty() : Optional.of(bootstrapSecret));
    }

    @Override
    public String toString() {
        // Never the secret: settings end up in log lines and exception messages.
        return "AclSettings[default=" + (denyByDefault ? "deny" : "allow") + ", bootstrapToken=" + (bootstrapSecret.isPresent() ? "set" : "none") + "]";
    }
}
