package io.muster.store.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go-style duration strings ("500ms", "10s", "1m30s", "1h"), the contract's format in JSON and query strings.
 * Negative values and bare numbers are refused: a registry has no use for them and they are usually typos.
 */
public final class GoDuration {
    private static final Pattern WHOLE = Pattern.compile("(\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final int MAX_LENGTH = 32;

    private GoDuration() {
    }

    /** @throws IllegalArgumentException when {@code s} is not a Go duration or overflows. */
    public static Duration parse(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH || !WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException("not a duration like \"500ms\", \"10s\" or \"5m\": " + abbreviate(s));
        }
        double nanos = 0;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            double value = Double.parseDouble(m.group(1));
            nanos += value * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        if (nanos > Long.MAX_VALUE) {
            throw new IllegalArgumentException("duration too large: " + s);
        }
        return Duration.ofNanos((long) nanos);
    }

    /** Formats with the largest unit that divides the value exactly: "5m", "10s", "1500ms". */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 && !d.isZero()) {
            return d.toNanos() + "ns";
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) + "..." : s;
    }
}
