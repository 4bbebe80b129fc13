package io.muster.store.acl;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** What a rule grants, ordered: {@code deny < read < write}. Write implies read. */
public enum Access {
    DENY, READ, WRITE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this grant covers {@code needed}. */
    public boolean allows(Access needed) {
        return this != DENY && compareTo(needed) >= 0;
    }

    public static Optional<Access> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        return switch (s) {
            case "deny" -> Optional.of(DENY);
            case "read" -> Optional.of(READ);
            case "write" -> Optional.of(WRITE);
            default -> Optional.empty();
        };
    }

    @JsonCreator
    static Access fromJson(String s) {
        return parse(s).orElseThrow(() -> new IllegalArgumentException("access must be deny, read or write"));
    }
}
