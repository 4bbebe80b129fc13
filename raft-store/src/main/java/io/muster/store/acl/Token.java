package io.muster.store.acl;

import java.util.List;

/**
 * A token as the replicated state holds it: its public accessor, the SHA-256 of its secret (hex; never the
 * secret), what it is for, the policies it names, and when the leader created it (epoch ms, from the entry).
 */
public record Token(String accessor, String secretSha256, String description, List<String> policies, long createdAt) {
    public Token {
        // Nulls kept (not List.copyOf): a malformed command must be refused by apply, not fail to decode.
        policies = policies == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(policies));
    }
}
