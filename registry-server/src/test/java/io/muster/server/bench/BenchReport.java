package io.muster.server.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Printing for the watch benchmarks: percentiles, process CPU, and a copy of every line under target/bench/. */
final class BenchReport {
    private final Path file;

    BenchReport(String name) {
        this.file = Path.of("target", "bench", name + ".txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void line(String format, Object... args) {
        String text = String.format(format, args);
        System.out.println(text);
        try {
            Files.writeString(file, text + System.lineSeparator(), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code p} in [0, 100] of sorted samples, nearest rank. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static String summary(double[] samplesMs) {
        double[] s = samplesMs.clone();
        Arrays.sort(s);
        return String.format("n=%d min=%.1f p50=%.1f p90=%.1f p99=%.1f max=%.1f ms", s.length,
                s.length == 0 ? Double.NaN : s[0], percentile(s, 50),
                percentile(s, 90), percentile(s, 99), s.length == 0 ? Double.NaN : s[s.length - 1]);
    }

    /** CPU seconds this whole JVM has used: servers, clients and generator together, as they share the process. */
    static double cpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
