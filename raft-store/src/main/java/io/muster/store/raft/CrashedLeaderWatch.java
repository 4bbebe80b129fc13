package io.muster.store.raft;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an election as soon as the leader's process is provably gone, rather than after a whole election timeout.
 * A follower that was hearing from its leader and has not for a little longer than the heartbeat interval connects
 * to the leader's Raft port; a refused connection means nothing listens there any more (the process crashed, was
 * killed or OOM-killed while its host lives, the common case), and the follower stands for election at once. Any
 * other outcome (the connection opens, times out, the host is unreachable) proves nothing, and Ratis's own election
 * timeout decides as before: a paused leader (its kernel still accepts connections), a partition or a dead host.
 *
 * <p>Raft's safety does not depend on when a member stands, only its availability does, so the rules here are there
 * to keep a living leader undisturbed and the vote unsplit:
 * <ul>
 * <li>only a follower that heard from this very leader in this term and then stopped hearing: a member that never
 * got through to the leader (a firewall that rejects) cannot unseat it again and again;</li>
 * <li>the surviving voters stand one after another, in the order of their ids, {@link #rankStepMs} apart: two
 * candidates at once would split the vote and cost a full election timeout. The next one stands only if it still
 * follows the silent leader, having heard of no election meanwhile (the first may be slow to notice, or cut off). When the first stood with a log one entry behind
 * (the entry the leader was sending as it died), the other voter refuses it and moves to the candidate's term
 * with no leader; Ratis's {@code startLeaderElection} works only in the term of the member's last entry, so that
 * voter is left to its own election timer, which that refused election restarted: the failover then takes about
 * one probe silence longer than without this watch.</li>
 * <li>at most one early election per member per {@link #coolDownMs}.</li>
 * </ul>
 *
 * <p>Driven by {@link #tick()} from one thread (a timer on the member, fake time in tests).
 */
final class CrashedLeaderWatch {
    private static final Logger LOG = LoggerFactory.getLogger(CrashedLeaderWatch.class);
    /** On a LAN a refusal comes back in well under a millisecond; what takes longer is not a refusal we act on. */
    static final int PROBE_TIMEOUT_MS = 100;
    /**
     * How often the member looks: a tenth of the default election timeout. Each look reads Ratis's role report (no
     * I/O unless the leader is silent). On the project machine an idle member spent 0.6% of a core on it at 25 ms,
     * 0.23-0.27% at 50 ms (thread CPU over a minute, mostly waking up).
     */
    static final long TICK_MS = 50;

    /** What the watch reads from the member's Raft server. */
    interface Member {
        /** This member's id. */
        String self();

        /** Empty unless this member is a follower that knows its leader. */
        Optional<Silence> silence();

        /** The voting members of the current configuration. */
        List<String> voters();

        /** Stands for election now, in place of the crashed {@code leader}; false if Raft refused. */
        boolean standNow(String leader) throws IOException;
    }

    /** How long this follower has not heard from its leader, and where that leader listens. */
    record Silence(String leader, String leaderAddress, long term, long silentMs) {
    }

    /** Whether the address refuses connections: true only for a refusal, false for anything else. */
    interface Probe {
        boolean refused(String address);
    }

    private final Member member;
    private final Probe probe;
    private final LongSupplier clockMs;
    private final long silenceMs;
    private final long giveUpMs;
    private final long rankStepMs;
    private final long coolDownMs;
    private final AtomicLong elections = new AtomicLong();
    /** The leader and term this follower last heard from within {@link #silenceMs}; null once acted on. */
    private String heardLeader;
    private long heardTerm;
    private long probedAt = Long.MIN_VALUE / 2;
    private long coolDownUntil = Long.MIN_VALUE;

    /**
     * @param electionTimeoutMs the lower bound of the election timeout; Ratis's leader sends heartbeats at half of it
     */
    CrashedLeaderWatch(Member member, Probe probe, LongSupplier clockMs, long electionTimeoutMs) {
        this.member = member;
        this.probe = probe;
        this.clockMs = clockMs;
        long heartbeat = electionTimeoutMs / 2;
        // One missed heartbeat and a little more: under load entries arrive all the time, idle a heartbeat comes
        // every half election timeout, so a live leader is rarely probed.
        this.silenceMs = heartbeat + Math.max(50, electionTimeoutMs / 10);
        // Past the upper bound Ratis has started an election of its own.
        this.giveUpMs = 2 * electionTimeoutMs;
        this.rankStepMs = Math.max(50, electionTimeoutMs / 4);
        this.coolDownMs = 10 * electionTimeoutMs;
    }

    /** Early elections this member started. */
    long elections() {
        return elections.get();
    }

    /** One look; called every few tens of milliseconds. */
    void tick() {
        Optional<Silence> seen = member.silence();
        if (seen.isEmpty()) {
            heardLeader = null;
            return;
        }
        Silence s = seen.get();
        if (s.silentMs() < silenceMs) {
            heardLeader = s.leader();
            heardTerm = s.term();
            return;
        }
        long now = clockMs.getAsLong();
        if (!s.leader().equals(heardLeader) || s.term() != heardTerm || s.silentMs() >= giveUpMs || now < coolDownUntil) {
            return;
        }
        List<String> others = member.voters().stream().filter(v -> !v.equals(s.leader())).sorted().toList();
        int rank = others.indexOf(member.self());
        if (rank < 0 || s.silentMs() < silenceMs + rank * rankStepMs || now - probedAt < rankStepMs / 2) {
            return;
        }
        probedAt = now;
        if (!probe.refused(s.leaderAddress())) {
            return;
        }
        heardLeader = null;
        coolDownUntil = now + coolDownMs;
        try {
            if (member.standNow(s.leader())) {
                elections.incrementAndGet();
                LOG.warn("Leader {} (term {}) refuses connections at {} after {} ms of silence: its process is gone. "
                        + "Member {} stands for election now instead of after the election timeout", s.leader(), s.term(),
                        s.leaderAddress(), s.silentMs(), member.self());
            } else {
                LOG.info("Leader {} refuses connections at {}, but Raft refused an early election on {} (its log or "
                        + "term moved meanwhile): the election timeout decides", s.leader(), s.leaderAddress(), member.self());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Early election on {} after leader {} crashed failed: {}", member.self(), s.leader(), e.toString());
        }
    }

    /** The watch of a member's Ratis server; its leader is probed with {@link #tcp}. */
    static CrashedLeaderWatch onRatis(RaftServer server, RaftGroupId group, RaftPeerId self, long electionTimeoutMs) {
        Member member = new Member() {
            private Optional<RaftServer.Division> division() {
                try {
                    return Optional.of(server.getDivision(group));
                } catch (IOException e) {
                    return Optional.empty();
                }
            }

            @Override
            public String self() {
                return self.toString();
            }

            @Override
            public Optional<Silence> silence() {
                return division().flatMap(d -> {
                    var info = d.getInfo();
                    RaftPeerId leader = info.getLeaderId();
                    if (!info.isFollower() || leader == null) {
                        return Optional.empty();
                    }
                    var role = info.getRoleInfoProto();
                    RaftPeer peer = d.getRaftConf().getPeer(leader, RaftPeerRole.FOLLOWER);
                    if (peer == null || !role.hasFollowerInfo() || !role.getFollowerInfo().hasLeaderInfo()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Silence(leader.toString(), peer.getAddress(), info.getCurrentTerm(),
                            role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs()));
                });
            }

            @Override
            public List<String> voters() {
                return division().map(d -> d.getRaftConf().getCurrentPeers().stream().map(p -> p.getId().toString()).toList())
                        .orElse(List.of());
            }

            @Override
            public boolean standNow(String leader) throws IOException {
                TermIndex last = division().map(d -> d.getRaftLog().getLastEntryTermIndex()).orElse(null);
                if (last == null) {
                    return false;
                }
                // The request a leader sends when it hands over (Ratis's transferLeadership), in the crashed leader's
                // name: Ratis checks that it names the leader this member follows and that our log is not behind the
                // last entry it carries (ours), then stands without a pre-vote, which the other voter would refuse
                // while its own silence is shorter than the election timeout.
                StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
                        .setServerRequest(ClientProtoUtils.toRaftRpcRequestProtoBuilder(
                                RaftGroupMemberId.valueOf(RaftPeerId.valueOf(leader), group), self))
                        .setLeaderLastEntry(last.toProto())
                        .build();
                return server.startLeaderElection(request).getServerReply().getSuccess();
            }
        };
        return new CrashedLeaderWatch(member, tcp(PROBE_TIMEOUT_MS), () -> System.nanoTime() / 1_000_000, electionTimeoutMs);
    }

    /** A TCP connect with a short timeout; only {@link ConnectException} (a refusal) counts. */
    static Probe tcp(int timeoutMs) {
        return address -> {
            try (Socket socket = new Socket()) {
                InetSocketAddress at = RaftSettings.hostAndPort(address);
                socket.connect(new InetSocketAddress(at.getHostString(), at.getPort()), timeoutMs);
                return false;
            } catch (ConnectException e) {
                // A timed-out connect is a SocketTimeoutException, not this: only an answered refusal lands here.
                return String.valueOf(e.getMessage()).contains("refused");
            } catch (IOException | RuntimeException e) {
                return false;
            }
        };
    }
}
