package io.muster.faults.cluster;

import io.muster.faults.net.Shell;
import io.muster.faults.net.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One member as the real launcher runs it: {@code java -jar muster-server.jar server ...} inside the member's
 * network namespace, its data on disk across restarts, its output appended to a log per member.
 */
public final class Member {

    public static final int HTTP_PORT = 8500;
    public static final int RAFT_PORT = 8501;
    public static final int DNS_PORT = 8553;

    private final int index;
    private final Path jar;
    private final Path dataDir;
    private final Path log;
    private final List<String> peers;
    private final List<String> extraFlags;
    private volatile Process process;
    private volatile boolean paused;
    private volatile int epoch;

    Member(int index, Path jar, Path workDir, List<String> peers, List<String> extraFlags) {
        this.index = index;
        this.jar = jar;
        this.dataDir = workDir.resolve("data").resolve(Topology.memberId(index));
        this.log = workDir.resolve("logs").resolve(Topology.memberId(index) + ".log");
        this.peers = peers;
        this.extraFlags = extraFlags;
    }

    public int index() {
        return index;
    }

    public String id() {
        return Topology.memberId(index);
    }

    public String httpAddress() {
        return "http://" + Topology.memberAddress(index) + ":" + HTTP_PORT;
    }

    /** Grows each time the member is wiped: its state starts over. */
    public int epoch() {
        return epoch;
    }

    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public boolean paused() {
        return paused;
    }

    public synchronized void start() {
        if (running()) {
            return;
        }
        String address = Topology.memberAddress(index);
        List<String> command = new ArrayList<>(Shell.in(Topology.memberNs(index), "java",
                "-Xms64m", "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-jar", jar.toString(), "server",
                "--id", id(),
                "--data-dir", dataDir.toString(),
                "--http", address + ":" + HTTP_PORT,
                "--raft", address + ":" + RAFT_PORT,
                "--dns", address + ":" + DNS_PORT,
                "--peers", String.join(",", peers)));
        command.addAll(extraFlags);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "\n==== start " + java.time.Instant.now() + " epoch " + epoch + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + id(), e);
        }
    }

    public void kill() {
        signal("KILL");
        awaitExit(10);
    }

    /** SIGTERM, then waits for the graceful shutdown (hand-over, drain) to end. */
    public void terminate() {
        signal("TERM");
        if (!awaitExit(30)) {
            kill();
        }
    }

    public void pause() {
        signal("STOP");
        paused = true;
    }

    public void resume() {
        signal("CONT");
        paused = false;
    }

    /** Removes the member's data: it must rejoin from the leader's snapshot. The member must be stopped. */
    public void wipe() {
        if (running()) {
            throw new IllegalStateException(id() + " is running");
        }
        if (Files.exists(dataDir)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        epoch++;
    }

    /** A thread dump into the member's log (SIGQUIT: the JVM prints it and runs on), to see what a stuck member waits for. */
    public void dumpThreads() {
        if (!paused) {
            signal("QUIT");
        }
    }

    private void signal(String name) {
        Process p = process;
        if (p != null && p.isAlive()) {
            Shell.run("kill", "-" + name, Long.toString(p.pid()));
        }
    }

    private boolean awaitExit(int seconds) {
        Process p = process;
        if (p == null) {
            return true;
        }
        try {
            if (paused) {
                resume();
            }
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
