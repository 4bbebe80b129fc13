package io.muster.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Back up the registry, or restore a backup.",
        subcommands = {SnapshotCommand.Save.class, SnapshotCommand.Restore.class})
final class SnapshotCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: save or restore");
    }

    @Command(name = "save", mixinStandardHelpOptions = true, description = "Write a consistent snapshot of the registry to FILE.")
    static final class Save extends Verb {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            byte[] data = api.get("/v1/snapshot", java.time.Duration.ofMinutes(5)).body();
            // Write beside the target and move into place, so a failed save never leaves half a backup under FILE.
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try {
                Files.write(tmp, data);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (api.json) {
                out().println("{\"file\":" + Connection.JSON.valueToTree(file.toString()) + ",\"bytes\":" + data.length + "}");
            } else {
                out().println("saved a snapshot to " + file + " (" + data.length + " bytes)");
            }
            out().flush();
            return MusterCli.OK;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Replace the registry's contents with the snapshot in FILE (replicated like any write).")
    static final class Restore extends Verb {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw usage("no such file: " + file);
            }
            byte[] data;
            try {
                data = Files.readAllBytes(file);
            } catch (IOException e) {
                throw usage("cannot read " + file + ": " + e.getMessage());
            }
            print(api.putBytes("/v1/snapshot", data, "application/octet-stream"),
                    b -> out().println("restored " + b.path("services").asLong() + " services, " + b.path("instances").asLong()
                            + " instances at index " + b.path("index").asLong()));
            return MusterCli.OK;
        }
    }
}
