package io.muster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.faults.net.Topology;
import java.io.File;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fault run (issue 15): members in network namespaces of their own, the nemesis, the checker. Runs only with
 * {@code -P faults}; {@code -Dfaults.count}, {@code -Dfaults.seed}, {@code -Dfaults.members} size it, and
 * {@code -Dfaults.minutes} caps the time spent on faults (the result then says how many were applied). Skipped,
 * saying why, where network namespaces cannot be made (not root, no iproute2/nftables).
 */
class FaultRunTest {

    @Test
    void historyUnderFaultsHasNoAnomaly() throws Exception {
        String unavailable = Topology.unavailableReason();
        Assumptions.assumeTrue(unavailable.isEmpty(), "fault run skipped: " + unavailable);
        Path jar = Path.of(System.getProperty("faults.jar", "../registry-server/target/muster-server.jar"));
        assertTrue(Files.isRegularFile(jar), "no server jar at " + jar.toAbsolutePath()
                + ": package registry-server first (mvn -DskipTests package)");
        int count = Integer.getInteger("faults.count", 30);
        long seed = Long.getLong("faults.seed", 1);
        int members = Integer.getInteger("faults.members", 3);
        long minutes = Long.getLong("faults.minutes", 0);
        Path out = Path.of(System.getProperty("faults.out", "target/faults")).toAbsolutePath()
                .resolve("seed-" + seed + "-faults-" + count);
        Files.createDirectories(out);
        Files.deleteIfExists(out.resolve("result.json"));

        // One run at a time on a machine: a second would remove the first's namespaces as leftovers.
        try (FileChannel lockFile = FileChannel.open(Path.of("/tmp/mfault.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
            assertTrue(lock != null, "another fault run holds /tmp/mfault.lock");
            Topology topology = new Topology(members);
            Process run = null;
            try {
                topology.create();
                List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Topology.CLIENT_NS,
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                        "-cp", System.getProperty("java.class.path"), FaultRun.class.getName(),
                        "--seed", Long.toString(seed), "--faults", Integer.toString(count),
                        "--members", Integer.toString(members), "--minutes", Long.toString(minutes), "--jar", jar.toAbsolutePath().toString(),
                        "--out", out.toString()));
                File log = out.resolve("run.log").toFile();
                System.out.println("fault run: " + String.join(" ", command) + "\n  log: " + log);
                run = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
                // Each fault is seconds; a minute each is far beyond any healthy run.
                boolean ended = run.waitFor(10 + count, TimeUnit.MINUTES);
                assertTrue(ended, "the fault run did not end in time; see " + log);
            } finally {
                if (run != null && run.isAlive()) {
                    run.destroyForcibly();
                }
                topology.destroy();
            }
        }
        Path resultFile = out.resolve("result.json");
        assertTrue(Files.isRegularFile(resultFile), "the run wrote no result; see " + out.resolve("run.log"));
        JsonNode result = new ObjectMapper().readTree(resultFile.toFile());
        System.out.println(result.toPrettyString());
        assertTrue(result.path("failure").isNull(), "the run failed: " + result.path("failure").asText());
        if (minutes == 0) {
            assertTrue(result.path("faultsApplied").asInt() >= count, "faults applied: " + result.path("faultsApplied"));
        }
        assertEquals(0, result.path("anomalies").size(), "anomalies (seed " + seed + "): "
                + result.path("anomaliesByRule") + "\n" + result.path("anomalies").toPrettyString());
    }
}
