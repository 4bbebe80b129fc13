package io.muster.server.lease;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.Result;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Lease managers of several members over one fake Raft log, on fake time: no threads, no sockets, no sleeps.
 *
 * <p>The log is a real {@link Catalog} applied in order. Like Raft, an entry is appended in the term of whoever
 * leads when it arrives, whoever proposed it (RaftNode.submit forwards to the current leader), and is stamped
 * with that leader's wall clock. Each member has its own monotonic clock (a different origin on every member,
 * so nothing may compare them) and its own wall clock, which a test may skew or step. Time moves only when a
 * test advances it; members scan then, unless paused (a SIGSTOP: its clocks run on, it does nothing).
 */
final class FakeCluster {
    static final long EPOCH = 1_700_000_000_000L;

    final Catalog catalog = new Catalog();
    final List<Member> members = new ArrayList<>();
    final List<Entry> log = new ArrayList<>();
    final LeaseSettings settings;
    long now;
    long term;
    Member leader;

    /** One member: its clocks and its lease manager. */
    final class Member {
        final String id;
        final long tickerOrigin;
        long wallSkew;
        boolean paused;
        /** The term this member's Raft believes it leads in, ready (0: it does not lead): what a scan checks. */
        long raftLeads;
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final LeaseManager leases;

        Member(String id, long tickerOrigin) {
            this.id = id;
            this.tickerOrigin = tickerOrigin;
            this.leases = new LeaseManager(catalog, this::propose, settings, () -> tickerOrigin + now, this::wall,
                    meters, id, () -> raftLeads, Runnable::run);
        }

        /** Its Raft learns another member leads, and the lease manager is told. */
        void demote() {
            raftLeads = 0;
            leases.demoted();
        }

        long wall() {
            return EPOCH + now + wallSkew;
        }

        CompletableFuture<List<Result.Code>> propose(List<Command> commands) {
            if (leader == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("no leader"));
            }
            return CompletableFuture.completedFuture(append(commands).stream().map(Result::code).toList());
        }
    }

    FakeCluster(int size, LeaseSettings settings) {
        this.settings = settings;
        for (int i = 0; i < size; i++) {
            // Origins far apart: a member that compared monotonic readings across machines would be wildly off.
            members.add(new Member("n" + (i + 1), 1_000_000_000L * (i + 1) * (i % 2 == 0 ? 1 : -1)));
        }
    }

    static LeaseSettings settings(Duration scan, Duration checkpoint, Duration grace) {
        return new LeaseSettings(scan, checkpoint, grace, Duration.ofMinutes(5), 0.30, 10, Duration.ofSeconds(10), true);
    }

    Member member(int i) {
        return members.get(i);
    }

    /** Appends one entry in the current term, stamped by the current leader's wall clock, and applies it. */
    List<Result> append(List<Command> commands) {
        Entry e = new Entry(leader.wall(), commands);
        log.add(e);
        return catalog.apply(log.size(), term, e);
    }

    /**
     * {@code m} wins a new term. The old leader is told it lost only if {@code tellOld} (a paused or cut-off leader
     * hears nothing); the new one is promoted.
     */
    void elect(Member m, boolean tellOld) {
        electUnheard(m, tellOld);
        m.leases.promoted(term);
    }

    /** As {@link #elect}, but the promotion event is lost: only {@code m}'s Raft knows it leads. */
    void electUnheard(Member m, boolean tellOld) {
        Member old = leader;
        term++;
        leader = m;
        if (old != null && old != m && tellOld) {
            old.demote();
        }
        m.raftLeads = term;
    }

    /** Advances time by {@code ms} in scan-interval steps; every member not paused scans at each step. */
    void advance(long ms) {
        long step = settings.scanInterval().toMillis();
        for (long done = 0; done < ms; done += step) {
            now += Math.min(step, ms - done);
            for (Member m : members) {
                if (!m.paused) {
                    m.leases.scan();
                }
            }
        }
    }

    void register(String service, String id, Duration ttl) {
        append(List.of(new Command.Register(service, id, new InstanceSpec("10.0.0.1", 80, List.of(), Map.of(), 1,
                new Check.Ttl(ttl, null)))));
    }

    /** A heartbeat as a client sends it: to the leader; true if renewed. */
    boolean heartbeat(String service, String id) {
        return leader.leases.renew(service, id, Status.PASSING, "");
    }

    Instance instance(String service, String id) {
        return catalog.instance(service, id).orElseThrow(() -> new AssertionError("no instance " + service + "/" + id));
    }

    Status status(String service, String id) {
        return instance(service, id).status();
    }

    /** The commands in the log of one kind, refused or not. */
    <T extends Command> List<T> logged(Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Entry e : log) {
            for (Command c : e.commands()) {
                if (kind.isInstance(c)) {
                    out.add(kind.cast(c));
                }
            }
        }
        return out;
    }
}
