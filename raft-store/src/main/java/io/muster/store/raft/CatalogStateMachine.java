package io.muster.store.raft;

import io.muster.store.catalog.Catalog;
import io.muster.store.catalog.SnapshotData;
import io.muster.store.catalog.SnapshotFormat;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Clock;
import io.muster.store.message.MemberAnswer;
import io.muster.store.message.MemberCodec;
import io.muster.store.message.MemberMessage;
import io.muster.store.message.MessageKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts the {@link Catalog} to Ratis: decodes entries and applies them (stopping for good at one it cannot
 * apply), snapshots durably and restores, and serves member messages ({@link MessageKind}: the applied index,
 * forwarded writes and heartbeats), which run on the leader but are not log entries.
 */
final class CatalogStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogStateMachine.class);

    private final Catalog catalog;
    private final Clock clock;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong installedSnapshots = new java.util.concurrent.atomic.AtomicLong();
    private volatile List<String> lastMembership = List.of();
    private final Map<MessageKind, Function<byte[], CompletableFuture<byte[]>>> handlers = new ConcurrentHashMap<>();
    private final SnapshotFiles.Sync sync;
    private final Consumer<ApplyFailure> onApplyFailure;
    /** Run on the apply thread after each applied entry; must be quick. */
    private volatile Runnable afterApply = () -> { };
    private volatile ApplyFailure applyFailure;

    /** The term this member leads in, or 0: passed to leadership listeners so they can bind proposals to it. */
    private final java.util.function.LongSupplier leaderTerm;

    /**
     * @param onApplyFailure told once, on the apply thread, when an entry cannot be applied (hand work off)
     */
    CatalogStateMachine(Catalog catalog, Clock clock, java.util.function.LongSupplier leaderTerm, SnapshotFiles.Sync sync,
                        Consumer<ApplyFailure> onApplyFailure) {
        this.catalog = catalog;
        this.clock = clock;
        this.leaderTerm = leaderTerm;
        this.sync = sync;
        this.onApplyFailure = onApplyFailure;
    }

    /** Serves {@code kind} when this member leads; a kind with no handler is refused with a clear answer. */
    void handle(MessageKind kind, Function<byte[], CompletableFuture<byte[]>> handler) {
        handlers.put(kind, handler);
    }

    /** Why this member stopped applying, if it did. */
    Optional<ApplyFailure> applyFailure() {
        return Optional.ofNullable(applyFailure);
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
        // Counted before the state is swapped in: whoever sees the installed state also sees the count.
        installedSnapshots.incrementAndGet();
        load(storage.loadLatestSnapshot());
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
        MD5Hash md5 = SnapshotFiles.write(data, file, sync);
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

    /**
     * Applies one committed entry. An entry that cannot be applied is never skipped (design rule 15): Ratis logs a
     * failed future and applies the next entry, so a member that cannot read an entry (an older build during a
     * rolling upgrade) would silently diverge. Throwing instead stops Ratis's apply thread before it counts the
     * entry as applied, and Ratis then closes this member's division: it stops voting and applying, and its
     * HTTP surface reports why (readiness 503, {@code muster_apply_failed}).
     */
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        var entry = trx.getLogEntry();
        long index = entry.getIndex();
        ApplyFailure failed = applyFailure;
        if (failed != null) {
            throw new IllegalStateException("not applying entry " + index + ": " + failed.describe());
        }
        byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
        List<Result> results;
        try {
            Entry decoded = EntryCodec.decode(bytes);
            results = catalog.apply(index, entry.getTerm(), decoded);
        } catch (RuntimeException e) {
            ApplyFailure failure = new ApplyFailure(index, entry.getTerm(), String.valueOf(e.getMessage()));
            applyFailure = failure;
            LOG.error("Cannot apply log entry {} (term {}): this member stops applying and serving; it must be "
                    + "fixed (a build that reads the entry) and restarted, never made to skip it", index, entry.getTerm(), e);
            try {
                onApplyFailure.accept(failure);
            } catch (RuntimeException listenerFailure) {
                LOG.warn("Apply failure listener failed: {}", listenerFailure.toString());
            }
            throw new IllegalStateException(failure.describe(), e);
        }
        updateLastAppliedTermIndex(entry.getTerm(), index);
        afterApply.run();
        byte[] codes = new byte[results.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = results.get(i).code().wire();
        }
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(codes)));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        if (applyFailure != null) {
            return;
        }
        super.notifyTermIndexUpdated(term, index);
        catalog.skip(index);
        afterApply.run();
    }

    /** Sets what runs on the apply thread after each applied entry (on the leader: telling followers it committed). */
    void afterApply(Runnable task) {
        this.afterApply = task;
    }

    /**
     * Serves a member message (on the leader: members send them as leader-only queries). Whatever the request, the
     * answer is a {@link MemberAnswer}: an unknown kind or version is refused in words, so the sender learns why
     * instead of waiting for a timeout.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        MemberMessage message;
        try {
            message = MemberCodec.decodeRequest(request.getContent().toByteArray());
        } catch (MemberCodec.DecodeException e) {
            return answer(new MemberAnswer.Refused(e.getMessage()));
        }
        if (message.kind() == MessageKind.APPLIED_INDEX) {
            long applied = getLastAppliedTermIndex() == null ? 0 : getLastAppliedTermIndex().getIndex();
            return answer(new MemberAnswer.Ok(ByteBuffer.allocate(8).putLong(applied).array()));
        }
        Function<byte[], CompletableFuture<byte[]>> handler = handlers.get(message.kind());
        if (handler == null) {
            return answer(new MemberAnswer.Refused("member " + getId() + " serves no " + message.kind() + " messages"));
        }
        CompletableFuture<byte[]> served;
        try {
            served = handler.apply(message.payload());
        } catch (RuntimeException e) {
            served = CompletableFuture.failedFuture(e);
        }
        return served.handle((payload, error) -> {
            if (error == null) {
                return Message.valueOf(UnsafeByteOperations.unsafeWrap(MemberCodec.encode(new MemberAnswer.Ok(payload))));
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof IllegalArgumentException) {
                return Message.valueOf(UnsafeByteOperations.unsafeWrap(MemberCodec.encode(
                        new MemberAnswer.Refused(String.valueOf(cause.getMessage())))));
            }
            // Anything else (not leader any more, a timeout) is the transport's business: the sender's retry
            // policy decides, as before.
            throw new java.util.concurrent.CompletionException(cause);
        });
    }

    private static CompletableFuture<Message> answer(MemberAnswer a) {
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(MemberCodec.encode(a))));
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
