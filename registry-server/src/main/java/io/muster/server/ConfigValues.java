package io.muster.server;

import io.muster.server.check.Cidr;
import io.muster.store.model.GoDuration;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads one setting strictly, or fails with a message naming the flag and what it accepts: a typo must stop the
 * server at start, never become a silent default ({@code --self-preservation yes} used to mean false) or a
 * value that breaks it later ({@code --write-batch 0} would spin forever).
 */
final class ConfigValues {
    private final Map<String, String> values;

    ConfigValues(Map<String, String> values) {
        this.values = values;
    }

    String string(String name) {
        return values.get(name);
    }

    int integer(String name, int min, int max) {
        long v = whole(name, min, max);
        return (int) v;
    }

    long whole(String name, long min, long max) {
        String s = values.get(name).trim();
        long v;
        // ASCII digits only: Long.parseLong also takes "+5" and non-Latin digits.
        if (!s.matches("-?[0-9]{1,19}")) {
            throw new IllegalArgumentException(flag(name) + " must be a whole number from " + min + " to " + max + ", got \"" + s + "\"");
        }
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag(name) + " must be a whole number from " + min + " to " + max + ", got \"" + s + "\"");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(flag(name) + " must be from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    /** A decimal number in {@code (min, max]} when {@code minExclusive}, else {@code [min, max]}. */
    double real(String name, double min, boolean minExclusive, double max) {
        String s = values.get(name).trim();
        double v;
        if (!s.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
            throw new IllegalArgumentException(flag(name) + " must be a decimal number " + range(min, minExclusive, max) + ", got \"" + s + "\"");
        }
        v = Double.parseDouble(s);
        if ((minExclusive ? v <= min : v < min) || v > max) {
            throw new IllegalArgumentException(flag(name) + " must be " + range(min, minExclusive, max) + ", got " + s);
        }
        return v;
    }

    private static String range(double min, boolean minExclusive, double max) {
        return (minExclusive ? "above " : "from ") + stripZero(min) + (minExclusive ? " and at most " : " to ") + stripZero(max);
    }

    private static String stripZero(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    boolean bool(String name) {
        String s = values.get(name).trim();
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(flag(name) + " must be true or false, got \"" + s + "\"");
        };
    }

    Duration duration(String name, Duration min, Duration max) {
        String s = values.get(name).trim();
        Duration d;
        try {
            d = GoDuration.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag(name) + " must be a duration from " + GoDuration.format(min) + " to "
                    + GoDuration.format(max) + " (like \"500ms\", \"10s\", \"5m\"), got \"" + s + "\"");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(flag(name) + " must be from " + GoDuration.format(min) + " to "
                    + GoDuration.format(max) + ", got " + s);
        }
        return d;
    }

    List<Cidr> cidrs(String name) {
        try {
            return Cidr.parseList(values.get(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag(name) + " must be a comma-separated list of CIDR ranges like "
                    + "10.0.0.0/8,fd00::/8: " + e.getMessage());
        }
    }

    static String flag(String name) {
        return "--" + name;
    }
}
