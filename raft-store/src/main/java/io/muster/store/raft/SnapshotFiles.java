package io.muster.store.raft;

import io.muster.store.catalog.SnapshotData;
import io.muster.store.catalog.SnapshotFormat;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Writes a snapshot file and its MD5 so that both are on disk before the snapshot counts (design rule 16): once
 * {@link CatalogStateMachine#takeSnapshot()} returns, Ratis may purge the log behind it, so a snapshot still in
 * the page cache would leave a member after a power loss with neither the log nor a readable snapshot (a torn
 * file next to a durable MD5 refuses to load, and the member cannot start).
 *
 * <p>Order: the data goes to a temporary file, which is fsynced, renamed into place, and the directory fsynced
 * (so the rename survives); then the MD5 file, fsynced, and the directory again.
 */
final class SnapshotFiles {
    /** How bytes reach the disk; a seam so a test can see the order of syncs against the renames. */
    interface Sync {
        void file(Path file) throws IOException;

        void directory(Path dir) throws IOException;

        /** Called after {@code from} was renamed to {@code to}. */
        default void renamed(Path from, Path to) {
        }
    }

    /** fsync(2) of the file and of the directory that names it. */
    static final Sync FSYNC = new Sync() {
        @Override
        public void file(Path file) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }

        @Override
        public void directory(Path dir) throws IOException {
            // Linux syncs a directory through a read-only descriptor; elsewhere that may be refused, and a
            // directory sync is then not something this platform offers.
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException e) {
                if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                    throw e;
                }
            }
        }
    };

    private SnapshotFiles() {
    }

    /** Writes {@code data} durably as {@code file} with its MD5 file; returns the MD5. */
    static MD5Hash write(SnapshotData data, File file, Sync sync) throws IOException {
        Path target = file.toPath();
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch))) {
            SnapshotFormat.write(data, out);
            out.flush();
        }
        sync.file(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        sync.renamed(tmp, target);
        sync.directory(dir);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        sync.file(MD5FileUtil.getDigestFileForFile(file).toPath());
        sync.directory(dir);
        return md5;
    }
}
