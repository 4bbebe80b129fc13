package io.muster.store.raft;

import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.SnapshotData;
import io.muster.store.catalog.SnapshotFormat;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts the {@link Catalog} to Ratis: decodes entries and applies them, snapshots and restores, and answers
 * the two kinds of query the node sends (the applied index, and extension queries such as forwarded
 * heartbeats that must run on the leader but are not log entries).
 */
final class CatalogStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogStateMachine.class);
    static final byte QUERY_APPLIED_INDEX = 'A';
    static final byte QUERY_EXTENSION = 'X';

    private final Catalog catalog;
    private final Clock clock;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong installedSnapshots = new java.util.concurrent.atomic.AtomicLong();
    private volatile List<String> lastMembership = List.of();
    private volatile Function<byte[], CompletableFuture<byte[]>> extensionHandler =
            b -> CompletableFuture.failedFuture(new IllegalStateException("no extension handler"));

    /** The term this member leads in, or 0: passed to leadership listeners so they can bind proposals to it. */
    private final java.util.function.LongSupplier leaderTerm;

    CatalogStateMachine(Catalog catalog, Clock clock, java.util.function.LongSupplier leaderTerm) {
        this.catalog = catalog;
        this.clock = clock;
        this.leaderTerm = leaderTerm;
    }

    void setExtensionHandler(Function<byte[], CompletableFuture<byte[]>> handler) {
        this.extensionHandler = handler;
    }

    void addLeadershipListener(LeadershipListener listener) {
        leadershipListeners.add(listener);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.getLatestSnapshot());
        });
    }

    // Ratis asserts the state machine is PAUSED before it installs a snapshot; BaseStateMachine's pause is a
    // no-op, which closes the follower for good after its first InstallSnapshot (ratis-notes 5.2).
    @Override
    public void pause() {
        if (getLifeCycle().getCurrentState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        installedSnapshots.incrementAndGet();
        if (getLifeCycle().getCurrentState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    long installedSnapshots() {
        return installedSnapshots.get();
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null) {
            MD5FileUtil.verifySavedMD5(file, expected);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            SnapshotData data = SnapshotFormat.read(in);
            catalog.load(data);
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("Loaded snapshot {} at index {}", file.getName(), snapshot.getIndex());
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return -1;
        }
        SnapshotData data = catalog.export();
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.toPath()))) {
            SnapshotFormat.write(data, out);
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("Took snapshot at index {} ({} services, {} bytes)", last.getIndex(), data.services().size(), file.length());
        return last.getIndex();
    }

    /** Runs on the leader only: stamps the leader's clock into the entry, so apply never reads a clock. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        byte[] bytes = request.getMessage().getContent().toByteArray();
        TransactionContext.Builder builder = TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
        try {
            builder.setLogData(UnsafeByteOperations.unsafeWrap(EntryCodec.stamp(bytes, clock.millis())));
        } catch (IllegalArgumentException e) {
            TransactionContext trx = builder.build();
            trx.setException(e);
            return trx;
        }
        return builder.build();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        var entry = trx.getLogEntry();
        long index = entry.getIndex();
        byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
        List<Result> results;
        try {
            Entry decoded = EntryCodec.decode(bytes);
            results = catalog.apply(index, entry.getTerm(), decoded);
        } catch (RuntimeException e) {
            // An entry this build cannot read must not leave the node half-applied: stop it loudly.
            LOG.error("Cannot apply log entry {}; stopping this node's state machine", index, e);
            return CompletableFuture.failedFuture(e);
        }
        updateLastAppliedTermIndex(entry.getTerm(), index);
        byte[] codes = new byte[results.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) results.get(i).code().ordinal();
        }
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(codes)));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        catalog.skip(index);
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        ByteString content = request.getContent();
        if (content.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("empty query"));
        }
        byte kind = content.byteAt(0);
        if (kind == QUERY_APPLIED_INDEX) {
            long applied = getLastAppliedTermIndex() == null ? 0 : getLastAppliedTermIndex().getIndex();
            return CompletableFuture.completedFuture(Message.valueOf(
                    UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(8).putLong(applied).array())));
        }
        if (kind == QUERY_EXTENSION) {
            byte[] body = content.substring(1).toByteArray();
            return extensionHandler.apply(body)
                    .thenApply(b -> Message.valueOf(UnsafeByteOperations.unsafeWrap(b)));
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("unknown query kind " + kind));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        String leader = newLeaderId == null ? null : newLeaderId.toString();
        for (LeadershipListener l : leadershipListeners) {
            l.leaderChanged(leader);
        }
    }

    @Override
    public void notifyConfigurationChanged(long term, long index, org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf) {
        List<String> peers = conf.getPeersList().stream().map(p -> p.getId().toStringUtf8() + "@" + p.getAddress()).sorted().toList();
        // Every new term re-appends the configuration; only a real change is worth a line.
        if (!peers.equals(lastMembership)) {
            LOG.info("Cluster membership is now {} (index {}, term {})", peers, index, term);
            lastMembership = peers;
        }
    }

    @Override
    public void notifyLeaderReady() {
        long term = leaderTerm.getAsLong();
        if (term <= 0) {
            return; // no longer leader by the time Ratis told us: nothing to act on
        }
        for (LeadershipListener l : leadershipListeners) {
            l.becameReadyLeader(term);
        }
    }
}
