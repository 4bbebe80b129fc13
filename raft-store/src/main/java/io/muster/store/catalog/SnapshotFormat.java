package io.muster.store.catalog;

import io.muster.store.model.Instance;
import io.muster.store.model.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The snapshot file: gzip-compressed JSON with a format name and version up front. The same file serves
 * Raft snapshots and operator backups. A reader refuses other formats and versions it does not know.
 * Version 2 adds the ACL state ({@code acl}); a catalog without ACL state is still written as version 1.
 */
public final class SnapshotFormat {
    public static final String FORMAT = "muster-snapshot";
    public static final int VERSION = 2;
    public static final int FIRST_VERSION = 1;
    /**
     * The most a restore may inflate to when it is applied, on every member alike (flags may differ; this may not):
     * a gzip bomb in a {@code Restore} entry must not take the apply thread's memory. The server's
     * {@code --max-restore-size} refuses earlier, before proposing, and cannot exceed this.
     */
    public static final long MAX_INFLATED_BYTES = 1L << 30;

    private SnapshotFormat() {
    }

    public static void write(SnapshotData data, OutputStream out) throws IOException {
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            Json.mapper().writeValue(gz, data);
        }
    }

    public static SnapshotData read(InputStream in) throws IOException {
        return read(in, Long.MAX_VALUE);
    }

    /** A snapshot that inflates past its bound; the message names the bound. */
    public static final class TooLargeException extends IOException {
        private final long limit;

        TooLargeException(long limit) {
            super("the snapshot inflates to more than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** Reads a snapshot, refusing one that inflates past {@code maxInflated} bytes (before holding them). */
    public static SnapshotData read(InputStream in, long maxInflated) throws IOException {
        SnapshotData data;
        try (GZIPInputStream gz = new GZIPInputStream(in, 1 << 16)) {
            data = Json.mapper().readValue(new BoundedInputStream(gz, maxInflated), SnapshotData.class);
        } catch (TooLargeException e) {
            throw e;
        } catch (IOException e) {
            if (e.getCause() instanceof TooLargeException t) {
                throw t;
            }
            throw new IOException("not a readable Muster snapshot: " + e.getMessage(), e);
        }
        if (data == null) {
            throw new IOException("not a Muster snapshot (JSON null)");
        }
        if (!FORMAT.equals(data.format())) {
            throw new IOException("not a Muster snapshot (format " + data.format() + ")");
        }
        if (data.version() < FIRST_VERSION || data.version() > VERSION) {
            throw new IOException("unsupported snapshot version " + data.version() + "; this build reads "
                    + FIRST_VERSION + " to " + VERSION);
        }
        if (data.acl() != null && (data.version() < 2 || !data.acl().complete())) {
            throw new IOException("incomplete Muster snapshot (acl)");
        }
        if (data.services() == null || data.renewals() == null || data.members() == null || hasNulls(data)) {
            throw new IOException("incomplete Muster snapshot");
        }
        return data;
    }

    /** A null where apply or load expects a value would throw on every node at once; refuse it here. */
    private static boolean hasNulls(SnapshotData data) {
        for (SnapshotData.ServiceData s : data.services()) {
            if (s == null || s.name() == null || s.instances() == null) {
                return true;
            }
            for (Instance i : s.instances().values()) {
                if (i == null || i.id() == null || i.spec() == null || i.status() == null || i.note() == null) {
                    return true;
                }
            }
        }
        return data.renewals().containsValue(null)
                || data.members().stream().anyMatch(m -> m == null || m.id() == null)
                || (data.options() != null && data.options().containsValue(null))
                || (data.graceFrom() != null && data.graceFrom().containsValue(null));
    }

    /** Reads a snapshot held in memory; failures are {@link IllegalArgumentException}s. */
    public static SnapshotData read(byte[] bytes) {
        return read(bytes, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(byte[])}, refusing one that inflates past {@code maxInflated}; that failure's cause is a
     * {@link TooLargeException}.
     */
    public static SnapshotData read(byte[] bytes, long maxInflated) {
        try {
            return read(new ByteArrayInputStream(bytes), maxInflated);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Counts what passes and fails once more than the bound has. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private long read;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws TooLargeException {
            read += n;
            if (read > limit) {
                throw new TooLargeException(limit);
            }
        }
    }

    public static byte[] toBytes(SnapshotData data) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            write(data, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
