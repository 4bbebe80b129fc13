package io.muster.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a rendered file in place: only when its bytes differ, by rename of a synced temporary file in the same
 * directory (so a reader sees the old file or the new one, never half of one), and, when the template has a check,
 * keeps the new file only if the check passes with it in place; otherwise the previous bytes go back the same way.
 */
final class FileInstaller {
    private static final Logger log = LoggerFactory.getLogger(FileInstaller.class);

    enum Outcome { UNCHANGED, INSTALLED, CHECK_FAILED }

    private final ShellCommand shell;

    FileInstaller(ShellCommand shell) {
        this.shell = shell;
    }

    Outcome install(Path destination, byte[] bytes, Optional<String> check) throws IOException {
        Optional<byte[]> previous = Files.exists(destination) ? Optional.of(Files.readAllBytes(destination)) : Optional.empty();
        if (previous.isPresent() && Arrays.equals(previous.get(), bytes)) {
            return Outcome.UNCHANGED;
        }
        replace(destination, bytes);
        if (check.isPresent()) {
            ShellCommand.Result result = shell.run(check.get());
            if (!result.ok()) {
                if (previous.isPresent()) {
                    replace(destination, previous.get());
                } else {
                    Files.deleteIfExists(destination);
                }
                log.error("Check `{}` refused the new {} (exit {}); {}; nothing reloaded. Its output: {}", check.get(),
                        destination, result.exit(), previous.isPresent() ? "the previous file is back" : "removed it",
                        result.output());
                return Outcome.CHECK_FAILED;
            }
        }
        return Outcome.INSTALLED;
    }

    private static void replace(Path destination, byte[] bytes) throws IOException {
        Path dir = destination.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + destination.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            // createTempFile makes the file 0600; a balancer running as another user must still read it.
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
