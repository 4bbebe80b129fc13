package io.muster.store.raft;

import java.util.Optional;

/** The contract's read modes (design rule 9). */
public enum Consistency {
    /** This node's own state, whatever it has applied. */
    STALE,
    /** At least as fresh as the leader's state when the read arrived. */
    DEFAULT,
    /** Linearizable: reflects every write acknowledged before the read began (Ratis read-index). */
    CONSISTENT;

    public static Optional<Consistency> parse(String s) {
        if (s == null) {
            return Optional.of(DEFAULT);
        }
        return switch (s) {
            case "stale" -> Optional.of(STALE);
            case "default", "" -> Optional.of(DEFAULT);
            case "consistent" -> Optional.of(CONSISTENT);
            default -> Optional.empty();
        };
    }
}
