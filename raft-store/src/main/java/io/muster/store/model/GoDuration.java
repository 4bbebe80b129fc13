package io.muster.store.model;

import java.math.BigDecimal;
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
        // Exact decimal arithmetic: with doubles "1.001s" came out as 1.000999999s, and values just past the
        // long range saturated instead of being refused.
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("duration too large: " + s);
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** Formats with the largest unit that divides the value exactly: "5m", "10s", "1500ms", "1500us". */
    public static String format(Duration d) {
        if (d.getNano() % 1_000_000 != 0) {
            // Never round: a duration must cross the log (and a snapshot) unchanged.
            long nanos = d.toNanos();
            return nanos % 1000 == 0 ? nanos / 1000 + "us" : nanos + "ns";
        }
        long ms = d.toMillis();
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
