package io.muster.cli;

import java.util.regex.Pattern;
import picocli.CommandLine;

/** Checks a verb makes before it sends anything, so bad usage exits 2 without touching the registry. */
final class Args {
    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
    /** The contract's Go-style durations. */
    private static final Pattern DURATION = Pattern.compile("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$");

    private Args() {
    }

    static String service(CommandLine line, String s) {
        if (!LABEL.matcher(s).matches()) {
            throw new CommandLine.ParameterException(line, "bad service name '" + s + "': it must be a DNS label (a-z, 0-9, '-')");
        }
        return s;
    }

    static String tag(CommandLine line, String s) {
        if (!LABEL.matcher(s).matches()) {
            throw new CommandLine.ParameterException(line, "bad tag '" + s + "': it must be a DNS label (a-z, 0-9, '-')");
        }
        return s;
    }

    static String id(CommandLine line, String what, String s) {
        if (!ID.matcher(s).matches()) {
            throw new CommandLine.ParameterException(line, "bad " + what + " '" + s + "': letters, digits, '.', '_', ':', '-'");
        }
        return s;
    }

    static String duration(CommandLine line, String option, String s) {
        if (!DURATION.matcher(s).matches()) {
            throw new CommandLine.ParameterException(line, "bad duration for " + option + ": '" + s + "' (use 500ms, 10s, 5m, 1h)");
        }
        return s;
    }

    static int port(CommandLine line, String option, int p) {
        if (p < 1 || p > 65535) {
            throw new CommandLine.ParameterException(line, "bad " + option + " " + p + ": a port is 1 to 65535");
        }
        return p;
    }

    static String status(CommandLine line, String s) {
        if (!s.equals("passing") && !s.equals("warning") && !s.equals("critical")) {
            throw new CommandLine.ParameterException(line, "bad status '" + s + "': passing, warning or critical");
        }
        return s;
    }
}
