package io.muster.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInstallerTest {
    @TempDir
    Path dir;

    private final FileInstaller installer = new FileInstaller(new ShellCommand(Duration.ofSeconds(30)));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesOnlyWhenTheBytesChange() throws Exception {
        Path dest = dir.resolve("out.conf");
        assertEquals(FileInstaller.Outcome.INSTALLED, installer.install(dest, bytes("a"), Optional.empty()));
        long modified = Files.getLastModifiedTime(dest).toMillis();
        assertEquals(FileInstaller.Outcome.UNCHANGED, installer.install(dest, bytes("a"), Optional.empty()));
        assertEquals(modified, Files.getLastModifiedTime(dest).toMillis());
        assertEquals(FileInstaller.Outcome.INSTALLED, installer.install(dest, bytes("b"), Optional.empty()));
        assertEquals("b", Files.readString(dest));
        assertOnlyFiles("out.conf");
    }

    @Test
    void theCheckSeesTheNewFileInPlace() throws Exception {
        Path dest = dir.resolve("out.conf");
        Files.writeString(dest, "old");
        assertEquals(FileInstaller.Outcome.INSTALLED,
                installer.install(dest, bytes("new"), Optional.of("grep -q '^new$' " + dest)));
        assertEquals("new", Files.readString(dest));
    }

    @Test
    void aRefusedFileIsRolledBack() throws Exception {
        Path dest = dir.resolve("out.conf");
        Files.writeString(dest, "good");
        assertEquals(FileInstaller.Outcome.CHECK_FAILED, installer.install(dest, bytes("bad"), Optional.of("exit 3")));
        assertEquals("good", Files.readString(dest));
        assertOnlyFiles("out.conf");
    }

    @Test
    void aRefusedFirstFileIsRemoved() throws Exception {
        Path dest = dir.resolve("out.conf");
        assertEquals(FileInstaller.Outcome.CHECK_FAILED, installer.install(dest, bytes("bad"), Optional.of("false")));
        assertFalse(Files.exists(dest));
        assertOnlyFiles();
    }

    @Test
    void aHangingCheckIsKilledAndCountsAsRefused() throws Exception {
        FileInstaller impatient = new FileInstaller(new ShellCommand(Duration.ofMillis(300)));
        Path dest = dir.resolve("out.conf");
        Files.writeString(dest, "good");
        assertEquals(FileInstaller.Outcome.CHECK_FAILED, impatient.install(dest, bytes("new"), Optional.of("sleep 60")));
        assertEquals("good", Files.readString(dest));
    }

    @Test
    void aChattyCommandKeepsABoundedOutput() {
        ShellCommand.Result r = new ShellCommand(Duration.ofSeconds(30)).run("head -c 1000000 /dev/zero | tr '\\0' x; exit 4");
        assertEquals(4, r.exit());
        assertTrue(r.output().length() <= 8 * 1024, "kept " + r.output().length() + " chars");
    }

    private void assertOnlyFiles(String... names) throws Exception {
        try (var files = Files.list(dir)) {
            assertEquals(java.util.Set.of(names), files.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet()));
        }
    }
}
