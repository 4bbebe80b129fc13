package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.SnapshotFormat;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.model.InstanceSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 6 of issue 15: a snapshot was written through a buffered stream and renamed with no fsync of the file or
 * the directory, while Ratis purged the log behind it; a power loss then left a torn snapshot next to a durable MD5
 * and a member that could not start. The file, its MD5 and the renames must be synced before the snapshot counts.
 */
class SnapshotFilesTest {
    @TempDir
    Path dir;

    private final List<String> events = new ArrayList<>();
    private final SnapshotFiles.Sync recording = new SnapshotFiles.Sync() {
        @Override
        public void file(Path file) throws IOException {
            SnapshotFiles.FSYNC.file(file);
            events.add("sync " + file.getFileName());
        }

        @Override
        public void directory(Path d) throws IOException {
            SnapshotFiles.FSYNC.directory(d);
            events.add("sync dir");
        }

        @Override
        public void renamed(Path from, Path to) {
            events.add("rename " + from.getFileName() + " -> " + to.getFileName());
        }
    };

    @Test
    void theFileIsSyncedBeforeItsRenameAndTheDirectoryAfterIt() throws IOException {
        Catalog catalog = new Catalog();
        catalog.apply(1, new Entry(1000, List.of(new Command.Register("web", "w1",
                new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1, null)))));
        File file = dir.resolve("snapshot.1_1").toFile();

        var md5 = SnapshotFiles.write(catalog.export(), file, recording);

        assertEquals(List.of("sync snapshot.1_1.tmp", "rename snapshot.1_1.tmp -> snapshot.1_1", "sync dir",
                "sync snapshot.1_1.md5", "sync dir"), events);
        MD5FileUtil.verifySavedMD5(file, md5);
        assertFalse(Files.exists(dir.resolve("snapshot.1_1.tmp")));
        try (InputStream in = Files.newInputStream(file.toPath())) {
            assertTrue(SnapshotFormat.read(in).services().stream().anyMatch(s -> s.name().equals("web")));
        }
    }
}
