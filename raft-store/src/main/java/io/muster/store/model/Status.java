package io.muster.store.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Health of an instance as the registry reports it. */
public enum Status {
    PASSING, WARNING, CRITICAL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the contract's lower-case name; anything else is absent. */
    public static Optional<Status> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        return switch (s) {
            case "passing" -> Optional.of(PASSING);
            case "warning" -> Optional.of(WARNING);
            case "critical" -> Optional.of(CRITICAL);
            default -> Optional.empty();
        };
    }

    @JsonCreator
    static Status fromJson(String s) {
        return parse(s).orElseThrow(() -> new IllegalArgumentException("status must be passing, warning or critical"));
    }
}
