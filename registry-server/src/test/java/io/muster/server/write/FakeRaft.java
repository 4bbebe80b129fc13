package io.muster.server.write;

import io.muster.store.command.Command;
import io.muster.store.message.MessageKind;
import io.muster.store.raft.Committed;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.LeadershipListener;
import io.muster.store.raft.MemberChannel;
import io.muster.store.raft.Proposals;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The ports the write path uses, answered by the test: nothing completes until the test says so, so a test sees
 * exactly what was proposed or forwarded, and in which order. No cluster, no threads.
 */
final class FakeRaft implements Proposals, Leadership, MemberChannel {
    /** One proposed entry, waiting for the test to commit or fail it. */
    record Proposal(List<Command> commands, CompletableFuture<Committed> result) {
    }

    /** One request sent to the leader, waiting for the test's answer. */
    record Ask(String how, MessageKind kind, byte[] payload, CompletableFuture<byte[]> answer) {
    }

    final String self;
    Optional<String> leader = Optional.empty();
    final List<Proposal> proposals = new ArrayList<>();
    final List<Ask> asks = new ArrayList<>();
    /** Indexes asked for with {@link #applied}, and the futures the test completes to say "applied here". */
    final List<Long> appliedAsked = new ArrayList<>();
    final List<CompletableFuture<Long>> appliedWaits = new ArrayList<>();

    FakeRaft(String self) {
        this.self = self;
    }

    FakeRaft leading() {
        leader = Optional.of(self);
        return this;
    }

    FakeRaft following(String leaderId) {
        leader = Optional.of(leaderId);
        return this;
    }

    FakeRaft noLeader() {
        leader = Optional.empty();
        return this;
    }

    @Override
    public CompletableFuture<Committed> submit(List<Command> commands) {
        Proposal p = new Proposal(List.copyOf(commands), new CompletableFuture<>());
        proposals.add(p);
        return p.result();
    }

    @Override
    public CompletableFuture<Long> applied(long index) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        appliedAsked.add(index);
        appliedWaits.add(f);
        return f;
    }

    @Override
    public String id() {
        return self;
    }

    @Override
    public boolean isLeader() {
        return leader.filter(self::equals).isPresent();
    }

    @Override
    public boolean isReadyLeader() {
        return isLeader();
    }

    @Override
    public long leaderTerm() {
        return isLeader() ? 1 : 0;
    }

    @Override
    public Optional<String> leaderId() {
        return leader;
    }

    @Override
    public void addLeadershipListener(LeadershipListener listener) {
    }

    @Override
    public void handle(MessageKind kind, Function<byte[], CompletableFuture<byte[]>> handler) {
    }

    @Override
    public CompletableFuture<byte[]> askLeader(MessageKind kind, byte[] payload) {
        return ask("askLeader", kind, payload);
    }

    @Override
    public CompletableFuture<byte[]> askLeaderOnce(MessageKind kind, byte[] payload) {
        return ask("askLeaderOnce", kind, payload);
    }

    @Override
    public CompletableFuture<byte[]> askLeaderHoldingLease(MessageKind kind, byte[] payload) {
        return ask("askLeaderHoldingLease", kind, payload);
    }

    @Override
    public CompletableFuture<byte[]> askHereHoldingLease(MessageKind kind, byte[] payload) {
        return ask("askHereHoldingLease", kind, payload);
    }

    private CompletableFuture<byte[]> ask(String how, MessageKind kind, byte[] payload) {
        Ask a = new Ask(how, kind, payload, new CompletableFuture<>());
        asks.add(a);
        return a.answer();
    }
}
