package io.muster.faults.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** The whole run's record: every client operation and every fault, collected from many threads. */
public final class History {

    static final ObjectMapper JSON = new ObjectMapper()
            // Derived getters (ok(), isWrite()) are written too; reading ignores them.
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final long origin;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FaultEvent> faults = new ConcurrentLinkedQueue<>();

    public History() {
        this.origin = System.nanoTime();
    }

    /** Nanoseconds since the run began. */
    public long now() {
        return System.nanoTime() - origin;
    }

    public long nextId() {
        return ids.incrementAndGet();
    }

    public void add(Op op) {
        ops.add(op);
    }

    public void add(FaultEvent fault) {
        faults.add(fault);
    }

    public List<Op> ops() {
        return new ArrayList<>(ops);
    }

    public List<FaultEvent> faults() {
        return new ArrayList<>(faults);
    }

    /** Writes the operations and faults as JSON lines, one file each, so a failed run can be checked again. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("history.jsonl"))) {
                for (Op op : ops) {
                    w.write(JSON.writeValueAsString(op));
                    w.newLine();
                }
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("faults.jsonl"))) {
                for (FaultEvent f : faults) {
                    w.write(JSON.writeValueAsString(f));
                    w.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Op> readOps(Path file) throws IOException {
        List<Op> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readValue(line, Op.class));
            }
        }
        return out;
    }

    public static List<FaultEvent> readFaults(Path file) throws IOException {
        List<FaultEvent> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readValue(line, FaultEvent.class));
            }
        }
        return out;
    }
}
