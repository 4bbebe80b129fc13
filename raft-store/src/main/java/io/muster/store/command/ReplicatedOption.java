package io.muster.store.command;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A cluster-wide runtime setting carried in the log as {@link Command.SetOption} and kept in the catalog. The wire
 * form stays a name and a string (older entries and snapshots read the same); this gives each option one type, one
 * encoding and one parser, so no caller formats or parses the string itself. A value that does not parse reads as
 * absent, the server's configured default, rather than as a guess.
 *
 * @param <T> the option's type
 */
public final class ReplicatedOption<T> {
    /** Whether self-preservation may hold expiries; absent means the server's {@code --self-preservation}. */
    public static final ReplicatedOption<Boolean> SELF_PRESERVATION = new ReplicatedOption<>("self-preservation",
            s -> switch (s) {
                case "true" -> true;
                case "false" -> false;
                default -> null;
            }, String::valueOf);

    /** The members the leader sees as live, sorted, over which active checks are spread; absent means every peer. */
    public static final ReplicatedOption<List<String>> LIVE_MEMBERS = new ReplicatedOption<>("live-members",
            s -> s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList(),
            v -> String.join(",", v));

    private final String name;
    private final Function<String, T> parse;
    private final Function<T, String> format;

    private ReplicatedOption(String name, Function<String, T> parse, Function<T, String> format) {
        this.name = name;
        this.parse = parse;
        this.format = format;
    }

    public String name() {
        return name;
    }

    /** The command that sets this option to {@code value}. */
    public Command.SetOption set(T value) {
        return new Command.SetOption(name, format.apply(value));
    }

    /** The typed value of a stored string; empty when absent or when it does not parse. */
    public Optional<T> read(Optional<String> stored) {
        return stored.map(parse);
    }

    @Override
    public String toString() {
        return name;
    }
}
