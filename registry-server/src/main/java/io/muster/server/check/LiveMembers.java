package io.muster.server.check;

import io.muster.store.catalog.CatalogView;
import io.muster.store.command.Command;
import io.muster.store.command.ReplicatedOption;
import io.muster.store.raft.ClusterStatus;
import io.muster.store.raft.ClusterAdmin;
import io.muster.store.raft.Consistency;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.Proposals;
import io.muster.store.raft.ReadBarrier;
import io.muster.store.raft.RaftSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which members share the checks. "Exactly one member checks an instance" needs every member to hash over the
 * same set, so the set is not each member's own guess: the leader, which hears from every follower, decides it
 * and replicates it as the catalog option {@value #OPTION}; every member reads it from its catalog.
 *
 * <p>The leader's rule, with hysteresis so a slow heartbeat does not bounce checks around: a live member turns
 * dead once the leader has not heard from it for the member timeout; a dead one is live again once it answers
 * promptly (within a third of the timeout). The leader always counts itself live, and waits one timeout after
 * taking over before calling anyone dead (it has not yet heard from anyone). Members outside the current Raft
 * configuration never count; without the option (a new cluster) every current peer is live.
 *
 * <p>A member also fences itself: it checks nothing while it has not heard from a leader for half the timeout,
 * so by the time the leader hands its checks to others it has already stopped (no two members check one
 * instance across a partition; briefly none do).
 */
public final class LiveMembers implements CheckMembers {
    private static final Logger LOG = LoggerFactory.getLogger(LiveMembers.class);
    /** The catalog option holding the live members, comma-separated and sorted. */
    public static final String OPTION = ReplicatedOption.LIVE_MEMBERS.name();
    /** Entries a serving member may trail its known commit index by before it stops checking. */
    private static final long FAR_BEHIND = 1000;

    private final CatalogView catalog;
    private final Leadership leadership;
    private final ReadBarrier reads;
    private final ClusterAdmin admin;
    private final Proposals proposals;
    private final long timeoutMs;
    private long leaderSince = -1;
    private CompletableFuture<?> proposing = CompletableFuture.completedFuture(null);
    private CompletableFuture<Long> barrier = CompletableFuture.completedFuture(0L);
    private String barrierLeader;

    LiveMembers(CatalogView catalog, Leadership leadership, ReadBarrier reads, ClusterAdmin admin, Proposals proposals,
                long timeoutMs) {
        this.catalog = catalog;
        this.leadership = leadership;
        this.reads = reads;
        this.admin = admin;
        this.proposals = proposals;
        this.timeoutMs = timeoutMs;
    }

    /** The agreed live members, sorted: the replicated option within the current peers, else every peer. */
    @Override
    public List<String> current() {
        return agreed(catalog.option(ReplicatedOption.LIVE_MEMBERS), peerIds());
    }

    /**
     * Why this member may not check now, if so. It may once it is live, in touch with a leader, and has applied
     * what the leader had when it started serving. The last guards a member that restarts: its catalog holds an old
     * live set until it catches up, and hashing over that set would have it check instances others now check. Once
     * serving, it stops again only if it falls far behind, so ordinary apply lag under load does not flip it.
     */
    @Override
    public Optional<String> notServing(List<String> live, boolean servingNow) {
        if (!live.contains(leadership.id())) {
            return Optional.of("not among the live members " + live);
        }
        Optional<String> leader = leadership.leaderId();
        if (leader.isEmpty()) {
            return Optional.of("no leader known");
        }
        if (!servingNow && !caughtUp(leader.get())) {
            return Optional.of("catching up with the leader's log");
        }
        long lag = reads.commitIndex() - catalog.appliedIndex();
        if (lag > FAR_BEHIND) {
            return Optional.of(lag + " entries behind");
        }
        if (leadership.isLeader()) {
            return Optional.empty();
        }
        long contact = reads.lastContactMs();
        if (contact < 0 || contact >= timeoutMs / 2) {
            return Optional.of("no word from the leader for " + (contact < 0 ? "ever" : contact + " ms"));
        }
        return Optional.empty();
    }

    /**
     * Whether this member has applied everything the leader had applied when asked (a read barrier, asked once per
     * leader and start of serving). A follower's own commit index is no guide here: it is capped by its own log.
     */
    private boolean caughtUp(String leader) {
        if (!leader.equals(barrierLeader) || barrier.isCompletedExceptionally()) {
            barrierLeader = leader;
            barrier = reads.readBarrier(Consistency.DEFAULT);
        }
        return barrier.isDone() && !barrier.isCompletedExceptionally();
    }

    /** Forgets the last read barrier: the next start of serving needs a fresh one. */
    @Override
    public void stoppedServing() {
        barrierLeader = null;
    }

    /** Call periodically on every member; acts only on the ready leader. */
    @Override
    public void lead(long now) {
        if (!leadership.isReadyLeader()) {
            leaderSince = -1;
            return;
        }
        if (leaderSince < 0) {
            leaderSince = now;
        }
        if (!proposing.isDone()) {
            return;
        }
        ClusterStatus status = admin.status();
        Map<String, Long> contact = status.members().stream()
                .collect(Collectors.toMap(ClusterStatus.MemberStatus::id, ClusterStatus.MemberStatus::lastContactMs, (a, b) -> a));
        List<String> before = current();
        List<String> after = next(before, contact, leadership.id(), timeoutMs, now - leaderSince >= timeoutMs);
        if (after.equals(before)) {
            return;
        }
        LOG.info("Live members for checks: {} (were {})", after, before);
        proposing = proposals.submit(List.of(ReplicatedOption.LIVE_MEMBERS.set(after))).whenComplete((c, t) -> {
            if (t != null) {
                LOG.warn("Could not publish the live members {}: {}", after, t.toString());
            }
        });
    }

    private List<String> peerIds() {
        return admin.peers().stream().map(RaftSettings.Peer::id).sorted().toList();
    }

    /** The option's members that are current peers; every peer when the option is absent or names none. */
    static List<String> agreed(Optional<List<String>> option, Collection<String> peers) {
        TreeSet<String> all = new TreeSet<>(peers);
        if (option.isEmpty() || option.get().isEmpty()) {
            return List.copyOf(all);
        }
        TreeSet<String> live = new TreeSet<>(option.get());
        live.retainAll(all);
        return live.isEmpty() ? List.copyOf(all) : List.copyOf(live);
    }

    /**
     * The leader's next live set (sorted) from the current one and how long ago it heard from each peer
     * ({@code -1}: never). {@code mayDrop} is false during the leader's first timeout, when silence means nothing yet.
     */
    static List<String> next(List<String> current, Map<String, Long> contactMs, String self, long timeoutMs, boolean mayDrop) {
        List<String> live = new ArrayList<>();
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(contactMs).entrySet()) {
            String id = e.getKey();
            long c = e.getValue();
            boolean fresh = c >= 0 && c <= timeoutMs;
            if (id.equals(self)
                    || (current.contains(id) && (fresh || !mayDrop))
                    || (!current.contains(id) && c >= 0 && c <= timeoutMs / 3)) {
                live.add(id);
            }
        }
        if (!live.contains(self)) {
            live.add(self);
            live.sort(null);
        }
        return List.copyOf(live);
    }
}
