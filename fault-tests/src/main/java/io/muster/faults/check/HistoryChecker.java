package io.muster.faults.check;

import io.muster.faults.check.Anomaly.Rule;
import io.muster.faults.check.RegisterLinearizability.RegOp;
import io.muster.faults.history.FaultEvent;
import io.muster.faults.history.Op;
import io.muster.faults.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Proves the rules of issue 15 over a whole history. Presence of an instance is a register per
 * {@code service/instance}: a registration writes "present", a deregistration "absent", a read observes one or
 * the other for every instance of its service it was asked about. Definitely failed writes count as never applied
 * (the contract keeps {@code 503 no_leader} for "not applied"), so one applied anyway shows up as an anomaly.
 */
public final class HistoryChecker {

    private static final String PASSING = "passing";
    private static final String CRITICAL = "critical";

    private final Bounds bounds;

    public HistoryChecker(Bounds bounds) {
        this.bounds = bounds;
    }

    public List<Anomaly> check(List<Op> ops, List<FaultEvent> faults) {
        List<Op> sorted = new ArrayList<>(ops);
        sorted.sort(Comparator.comparingLong(Op::invoke).thenComparingLong(Op::id));
        Map<String, List<Op>> writesByKey = new TreeMap<>();
        Map<String, List<Op>> heartbeatsByKey = new TreeMap<>();
        Map<String, TreeSet<String>> keysByService = new TreeMap<>();
        for (Op op : sorted) {
            if (op.isWrite()) {
                writesByKey.computeIfAbsent(key(op), k -> new ArrayList<>()).add(op);
                keysByService.computeIfAbsent(op.service(), s -> new TreeSet<>()).add(op.instance());
            } else if (op.type().equals(Op.HEARTBEAT)) {
                heartbeatsByKey.computeIfAbsent(key(op), k -> new ArrayList<>()).add(op);
            }
        }
        List<Anomaly> found = new ArrayList<>();
        found.addAll(lostWrites(sorted, writesByKey));
        found.addAll(linearizability(sorted, writesByKey, keysByService));
        found.addAll(defaultReads(sorted, writesByKey, keysByService));
        found.addAll(staleMonotonic(sorted));
        found.addAll(indexes(sorted));
        found.addAll(criticalWhileHeartbeating(sorted, heartbeatsByKey, writesByKey));
        found.addAll(deadInstances(sorted, heartbeatsByKey, writesByKey, faults));
        found.addAll(leaders(sorted));
        return found;
    }

    static String key(Op op) {
        return op.service() + "/" + op.instance();
    }

    private static boolean isRead(Op op, String consistency) {
        return op.type().equals(Op.READ) && op.ok() && op.consistency().equals(consistency);
    }

    /** The value a write leaves: present for a registration, absent for a deregistration. */
    private static boolean writes(Op op) {
        return op.type().equals(Op.REGISTER);
    }

    /** A deregistration answered 404 changed nothing; it observed absence. */
    private static boolean isNotFoundDelete(Op op) {
        return op.type().equals(Op.DEREGISTER) && op.outcome() == Outcome.FAIL && op.status() == 404;
    }

    // ---- no acknowledged registration or deletion lost ----

    private List<Anomaly> lostWrites(List<Op> ops, Map<String, List<Op>> writesByKey) {
        List<Anomaly> found = new ArrayList<>();
        // A heartbeat told 404 after an acknowledged registration, with no deregistration sent before it ended.
        for (Op hb : ops) {
            if (!hb.type().equals(Op.HEARTBEAT) || hb.status() != 404) {
                continue;
            }
            List<Op> writes = writesByKey.getOrDefault(key(hb), List.of());
            boolean acked = writes.stream().anyMatch(w -> writes(w) && w.ok() && w.complete() < hb.invoke());
            boolean deleted = writes.stream().anyMatch(w -> !writes(w) && w.invoke() < hb.complete());
            if (acked && !deleted) {
                found.add(new Anomaly(Rule.LOST_REGISTRATION, key(hb), "heartbeat " + hb.id()
                        + " answered 404 after the registration was acknowledged and before any deregistration"));
            }
        }
        // The final reads (the last consistent read of each service) against every acknowledged write.
        Map<String, Op> finalRead = new HashMap<>();
        for (Op op : ops) {
            if (isRead(op, "consistent")) {
                finalRead.merge(op.service(), op, (a, b) -> a.invoke() >= b.invoke() ? a : b);
            }
        }
        for (Map.Entry<String, List<Op>> e : writesByKey.entrySet()) {
            List<Op> writes = e.getValue();
            Op first = writes.get(0);
            Op read = finalRead.get(first.service());
            if (read == null) {
                continue;
            }
            boolean present = read.observed().containsKey(first.instance());
            Op lastAck = null;
            for (Op w : writes) {
                if (w.ok() && w.complete() < read.invoke()) {
                    lastAck = lastAck == null || w.invoke() > lastAck.invoke() ? w : lastAck;
                }
            }
            if (lastAck == null) {
                continue;
            }
            Op ack = lastAck;
            // Another write that may land after the acknowledged one (overlapping it, or sent later) leaves it open.
            boolean open = writes.stream().anyMatch(w -> w != ack && w.outcome() != Outcome.FAIL
                    && w.latestEffect() > ack.invoke() && w.invoke() < read.complete());
            if (writes(ack) && !present && !open) {
                found.add(new Anomaly(Rule.LOST_REGISTRATION, e.getKey(), "registration " + ack.id()
                        + " acknowledged, absent from the final consistent read " + read.id()));
            }
            if (!writes(ack) && present) {
                // A deletion must hold even against a registration abandoned (or refused) before it was sent.
                boolean later = writes.stream().anyMatch(w -> writes(w) && w.outcome() != Outcome.FAIL
                        && w.invoke() > ack.invoke());
                if (!later) {
                    found.add(new Anomaly(Rule.LOST_DELETION, e.getKey(), "deregistration " + ack.id()
                            + " acknowledged, the instance is back in the final consistent read " + read.id()));
                }
            }
        }
        return found;
    }

    // ---- consistent reads linearizable per instance ----

    private List<Anomaly> linearizability(List<Op> ops, Map<String, List<Op>> writesByKey,
            Map<String, TreeSet<String>> keysByService) {
        List<Anomaly> found = new ArrayList<>();
        Map<String, List<Op>> readsByService = new TreeMap<>();
        for (Op op : ops) {
            if (!isRead(op, "consistent")) {
                continue;
            }
            readsByService.computeIfAbsent(op.service(), s -> new ArrayList<>()).add(op);
            // An instance nobody ever tried to register cannot be read at all.
            for (String instance : op.observed().keySet()) {
                if (!keysByService.getOrDefault(op.service(), new TreeSet<>()).contains(instance)) {
                    found.add(new Anomaly(Rule.CONSISTENT_NOT_LINEARIZABLE, op.service() + "/" + instance,
                            "read " + op.id() + " shows an instance no client ever registered"));
                }
            }
        }
        // One key at a time: a long run has thousands of reads per service and hundreds of instances.
        for (Map.Entry<String, List<Op>> e : writesByKey.entrySet()) {
            List<Op> writes = e.getValue();
            String service = writes.get(0).service();
            String instance = writes.get(0).instance();
            List<RegOp> history = new ArrayList<>();
            for (Op w : writes) {
                if (w.outcome() != Outcome.FAIL) {
                    history.add(new RegOp(true, writes(w), w.invoke(), w.latestEffect()));
                } else if (isNotFoundDelete(w)) {
                    history.add(new RegOp(false, false, w.invoke(), w.complete()));
                }
            }
            for (Op read : readsByService.getOrDefault(service, List.of())) {
                history.add(new RegOp(false, read.observed().containsKey(instance), read.invoke(), read.complete()));
            }
            if (!RegisterLinearizability.check(history, false)) {
                found.add(new Anomaly(Rule.CONSISTENT_NOT_LINEARIZABLE, e.getKey(), "no linear order explains the "
                        + history.size() + " operations; writes " + describe(writes)));
            }
        }
        return found;
    }

    // ---- default reads never older than the last write acknowledged before they began ----

    private List<Anomaly> defaultReads(List<Op> ops, Map<String, List<Op>> writesByKey,
            Map<String, TreeSet<String>> keysByService) {
        List<Anomaly> found = new ArrayList<>();
        for (Op read : ops) {
            if (!isRead(read, "default")) {
                continue;
            }
            for (String instance : keysByService.getOrDefault(read.service(), new TreeSet<>())) {
                String k = read.service() + "/" + instance;
                List<Op> writes = writesByKey.getOrDefault(k, List.of());
                Op ack = null;
                for (Op w : writes) {
                    if (w.ok() && w.complete() < read.invoke() && (ack == null || w.invoke() > ack.invoke())) {
                        ack = w;
                    }
                }
                if (ack == null) {
                    continue;
                }
                Op acked = ack;
                boolean open = writes.stream().anyMatch(w -> w != acked && w.outcome() != Outcome.FAIL
                        && w.latestEffect() > acked.invoke() && w.invoke() < read.complete());
                if (!open && read.observed().containsKey(instance) != writes(acked)) {
                    found.add(new Anomaly(Rule.DEFAULT_READ_OLDER_THAN_ACKNOWLEDGED, k, "default read " + read.id()
                            + " on member " + read.member() + " shows it " + (writes(acked) ? "absent" : "present")
                            + " after " + acked.type() + " " + acked.id() + " was acknowledged"));
                }
            }
        }
        return found;
    }

    // ---- stale reads monotonic per member; indexes never go backwards ----

    private List<Anomaly> staleMonotonic(List<Op> ops) {
        Map<String, List<Op>> byMember = new TreeMap<>();
        for (Op op : ops) {
            if (isRead(op, "stale") && op.index() >= 0) {
                byMember.computeIfAbsent(op.member() + "#" + op.epoch() + " " + op.service(), k -> new ArrayList<>())
                        .add(op);
            }
        }
        List<Anomaly> found = new ArrayList<>();
        for (Map.Entry<String, List<Op>> e : byMember.entrySet()) {
            Anomaly a = backwards(e.getValue(), Rule.STALE_READ_WENT_BACKWARDS, "member " + e.getKey());
            if (a != null) {
                found.add(a);
            }
        }
        return found;
    }

    /**
     * A service's index (default and consistent reads, any member) never goes backwards in real time, nor does the
     * log index acknowledging a write. The two are not compared with each other: a write that changes nothing
     * (a registration repeated unchanged) is acknowledged with its log index but leaves the service's index alone.
     */
    private List<Anomaly> indexes(List<Op> ops) {
        Map<String, List<Op>> byService = new TreeMap<>();
        List<Op> writes = new ArrayList<>();
        for (Op op : ops) {
            boolean read = op.type().equals(Op.READ) && op.ok() && !op.consistency().equals("stale");
            if (read && op.index() >= 0) {
                byService.computeIfAbsent(op.service(), k -> new ArrayList<>()).add(op);
            } else if (op.isWrite() && op.ok() && op.index() >= 0) {
                writes.add(op);
            }
        }
        List<Anomaly> found = new ArrayList<>();
        Anomaly log = backwards(writes, Rule.INDEX_WENT_BACKWARDS, "write acknowledgements");
        if (log != null) {
            found.add(log);
        }
        for (Map.Entry<String, List<Op>> e : byService.entrySet()) {
            Anomaly a = backwards(e.getValue(), Rule.INDEX_WENT_BACKWARDS, "service " + e.getKey());
            if (a != null) {
                found.add(a);
            }
        }
        return found;
    }

    /** The first operation whose index is below that of one completed before it began; null if none. */
    private static Anomaly backwards(List<Op> ops, Rule rule, String where) {
        List<Op> byInvoke = new ArrayList<>(ops);
        byInvoke.sort(Comparator.comparingLong(Op::invoke));
        List<Op> byComplete = new ArrayList<>(ops);
        byComplete.sort(Comparator.comparingLong(Op::complete));
        int done = 0;
        Op highest = null;
        for (Op op : byInvoke) {
            while (done < byComplete.size() && byComplete.get(done).complete() < op.invoke()) {
                Op c = byComplete.get(done++);
                if (highest == null || c.index() > highest.index()) {
                    highest = c;
                }
            }
            if (highest != null && op.index() < highest.index()) {
                return new Anomaly(rule, where, op.type() + " " + op.id() + " (" + op.consistency() + ", member "
                        + op.member() + ") has index " + op.index() + " after " + highest.type() + " "
                        + highest.id() + " completed with index " + highest.index());
            }
        }
        return null;
    }

    // ---- no instance turned critical while its heartbeats were acknowledged ----

    /**
     * How long after a read the observer may take to report a term that began before the read ended: it asks every
     * running member in turn (800 ms at most each) and sleeps 300 ms, so one round with three members is under 2.7 s.
     */
    static final long TERM_REPORT_SLACK_NANOS = 5_000_000_000L;

    /**
     * A consistent read shows an instance critical within TTL of the call of an acknowledged renewal that ended
     * before the read began. What counts, and what does not (contract: a TTL instance that <em>misses</em> its TTL
     * turns critical; design rule 6 and docs/leases.md for failover):
     * <ul>
     * <li>A renewal is an acknowledged heartbeat, or the acknowledged registration that created the instance. A
     * registration of an instance that may already exist (an earlier attempt was not refused) replaces it, keeping
     * its status and lease (Catalog.register): it renews nothing.
     * <li>The instance must have <em>turned</em> critical after the renewal: some consistent read that began after
     * the heartbeat ended saw it passing before the critical read began. A heartbeat on a critical instance answers
     * at once and proposes its return to passing, which commits later; reads in between still see it critical.
     * <li>Within one leadership the lease runs a full TTL from the renewal. A leader change between the renewal and
     * the read (a higher term reported than any reported before the renewal was sent) leaves the new leader only the
     * last checkpointed renewal and one grace (design rule 6): an early expiry then is what the design allows. A
     * renewal acknowledged by a deposed leader after the new term was already reported is still caught.
     * </ul>
     */
    private List<Anomaly> criticalWhileHeartbeating(List<Op> ops, Map<String, List<Op>> heartbeatsByKey,
            Map<String, List<Op>> writesByKey) {
        long ttl = bounds.ttl().toNanos();
        Terms terms = new Terms(ops);
        Map<String, PassingReads> passing = new HashMap<>();
        for (Op op : ops) {
            if (isRead(op, "consistent")) {
                op.observed().forEach((id, status) -> {
                    if (status.equals(PASSING)) {
                        passing.computeIfAbsent(op.service() + "/" + id, k -> new PassingReads()).add(op);
                    }
                });
            }
        }
        passing.values().forEach(PassingReads::seal);
        Map<String, List<Op>> renewalsByKey = new HashMap<>();
        List<Anomaly> found = new ArrayList<>();
        for (Op read : ops) {
            if (!isRead(read, "consistent")) {
                continue;
            }
            for (Map.Entry<String, String> seen : read.observed().entrySet()) {
                if (!seen.getValue().equals(CRITICAL)) {
                    continue;
                }
                String k = read.service() + "/" + seen.getKey();
                List<Op> renewals = renewalsByKey.computeIfAbsent(k, key -> renewals(
                        heartbeatsByKey.getOrDefault(key, List.of()), writesByKey.getOrDefault(key, List.of())));
                PassingReads seenPassing = passing.getOrDefault(k, PassingReads.NONE);
                for (Op hb : renewals) {
                    // Renewed somewhere in [invoke, complete]: passing at least until invoke + TTL.
                    if (!(hb.complete() < read.invoke() && read.complete() < hb.invoke() + ttl)) {
                        continue;
                    }
                    boolean turned = hb.type().equals(Op.REGISTER) || seenPassing.between(hb.complete(), read.invoke());
                    boolean leaderChanged = terms.invokedBefore(read.complete() + TERM_REPORT_SLACK_NANOS)
                            > terms.completedBefore(hb.invoke());
                    if (turned && !leaderChanged) {
                        found.add(new Anomaly(Rule.CRITICAL_WHILE_HEARTBEATING, k, "consistent read " + read.id()
                                + " shows it critical " + ms(read.complete() - hb.invoke()) + " after "
                                + hb.type() + " " + hb.id() + " was acknowledged (TTL " + bounds.ttl()
                                + "), in the same term " + terms.completedBefore(hb.invoke())));
                        break;
                    }
                }
            }
        }
        return found;
    }

    /** Acknowledged heartbeats, and the acknowledged registration that created the instance (if one surely did). */
    private static List<Op> renewals(List<Op> heartbeats, List<Op> writes) {
        List<Op> out = new ArrayList<>();
        heartbeats.stream().filter(Op::ok).forEach(out::add);
        for (Op w : writes) {
            if (!writes(w)) {
                continue;
            }
            if (w.ok()) {
                out.add(w);
            }
            if (w.outcome() != Outcome.FAIL) {
                // Any later registration may find this one applied and only replace the instance.
                break;
            }
        }
        return out;
    }

    /** Consistent reads that saw one instance passing, to ask whether one fell inside an interval. */
    private static final class PassingReads {
        static final PassingReads NONE = new PassingReads();
        private final List<Op> reads = new ArrayList<>();
        private long[] invokes = new long[0];
        /** The earliest completion among the reads from position i on (by invocation). */
        private long[] minCompleteFrom = new long[0];

        void add(Op read) {
            reads.add(read);
        }

        void seal() {
            reads.sort(Comparator.comparingLong(Op::invoke));
            invokes = new long[reads.size()];
            minCompleteFrom = new long[reads.size()];
            long min = Long.MAX_VALUE;
            for (int i = reads.size() - 1; i >= 0; i--) {
                invokes[i] = reads.get(i).invoke();
                min = Math.min(min, reads.get(i).complete());
                minCompleteFrom[i] = min;
            }
        }

        /** Whether some read began after {@code from} and ended before {@code to}. */
        boolean between(long from, long to) {
            int i = java.util.Arrays.binarySearch(invokes, from + 1);
            int first = i >= 0 ? i : -i - 1;
            while (first > 0 && invokes[first - 1] > from) {
                first--;
            }
            return first < invokes.length && minCompleteFrom[first] < to;
        }
    }

    /** The highest term the observer reported, by when the report ended or began. */
    private static final class Terms {
        private final long[] completes;
        private final long[] maxByComplete;
        private final long[] invokes;
        private final long[] maxByInvoke;

        Terms(List<Op> ops) {
            List<Op> reports = ops.stream().filter(o -> o.type().equals(Op.CLUSTER) && o.ok()
                    && o.observed().get("term") != null).toList();
            List<Op> byComplete = new ArrayList<>(reports);
            byComplete.sort(Comparator.comparingLong(Op::complete));
            List<Op> byInvoke = new ArrayList<>(reports);
            byInvoke.sort(Comparator.comparingLong(Op::invoke));
            completes = new long[reports.size()];
            maxByComplete = new long[reports.size()];
            invokes = new long[reports.size()];
            maxByInvoke = new long[reports.size()];
            long max = 0;
            for (int i = 0; i < byComplete.size(); i++) {
                completes[i] = byComplete.get(i).complete();
                max = Math.max(max, term(byComplete.get(i)));
                maxByComplete[i] = max;
            }
            max = 0;
            for (int i = 0; i < byInvoke.size(); i++) {
                invokes[i] = byInvoke.get(i).invoke();
                max = Math.max(max, term(byInvoke.get(i)));
                maxByInvoke[i] = max;
            }
        }

        private static long term(Op report) {
            try {
                return Long.parseLong(report.observed().get("term"));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        /** The highest term in a report that ended before {@code t}; 0 if none. */
        long completedBefore(long t) {
            return upTo(completes, maxByComplete, t);
        }

        /** The highest term in a report that began before {@code t}; 0 if none. */
        long invokedBefore(long t) {
            return upTo(invokes, maxByInvoke, t);
        }

        private static long upTo(long[] times, long[] maxima, long t) {
            int lo = 0;
            int hi = times.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (times[mid] < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo == 0 ? 0 : maxima[lo - 1];
        }
    }

    // ---- a dead instance critical within the bound ----

    private List<Anomaly> deadInstances(List<Op> ops, Map<String, List<Op>> heartbeatsByKey,
            Map<String, List<Op>> writesByKey, List<FaultEvent> faults) {
        List<Anomaly> found = new ArrayList<>();
        for (Map.Entry<String, List<Op>> e : writesByKey.entrySet()) {
            List<Op> writes = e.getValue();
            if (writes.stream().anyMatch(w -> !writes(w))) {
                continue;
            }
            long lastRenewal = -1;
            for (Op op : writes) {
                if (op.outcome() != Outcome.FAIL) {
                    lastRenewal = Math.max(lastRenewal, op.complete());
                }
            }
            for (Op hb : heartbeatsByKey.getOrDefault(e.getKey(), List.of())) {
                if (hb.outcome() != Outcome.FAIL) {
                    lastRenewal = Math.max(lastRenewal, hb.complete());
                }
            }
            if (lastRenewal < 0) {
                continue;
            }
            long deadline = lastRenewal + bounds.deadBoundNanos();
            // Time without a majority does not count: nobody could commit the expiry then.
            for (FaultEvent f : faults) {
                if (f.quorumLost() && f.quorumLostUntil() > lastRenewal && f.start() < deadline) {
                    deadline += f.quorumLostUntil() - Math.max(f.start(), lastRenewal);
                }
            }
            String instance = writes.get(0).instance();
            for (Op read : ops) {
                if (isRead(read, "consistent") && read.service().equals(writes.get(0).service())
                        && read.invoke() > deadline && PASSING.equals(read.observed().get(instance))) {
                    found.add(new Anomaly(Rule.DEAD_INSTANCE_PASSING_PAST_BOUND, e.getKey(), "last renewal ended at "
                            + ms(lastRenewal) + ", consistent read " + read.id() + " at " + ms(read.invoke())
                            + " still shows it passing (bound " + ms(bounds.deadBoundNanos()) + ")"));
                    break;
                }
            }
        }
        return found;
    }

    // ---- one leader per term ----

    private List<Anomaly> leaders(List<Op> ops) {
        Map<String, TreeSet<String>> byTerm = new TreeMap<>();
        for (Op op : ops) {
            if (op.type().equals(Op.CLUSTER) && op.ok() && op.observed().get("leader") != null) {
                byTerm.computeIfAbsent(op.observed().get("term"), t -> new TreeSet<>()).add(op.observed().get("leader"));
            }
        }
        List<Anomaly> found = new ArrayList<>();
        byTerm.forEach((term, leaders) -> {
            if (leaders.size() > 1) {
                found.add(new Anomaly(Rule.TWO_LEADERS_IN_ONE_TERM, "term " + term, "leaders " + leaders));
            }
        });
        return found;
    }

    private static String describe(List<Op> writes) {
        StringBuilder sb = new StringBuilder("[");
        for (Op w : writes) {
            sb.append(sb.length() > 1 ? ", " : "").append(w.type()).append(' ').append(w.id()).append(' ')
                    .append(w.outcome()).append(w.status() > 0 ? " " + w.status() : "").append(" @")
                    .append(ms(w.invoke())).append('-').append(w.outcome() == Outcome.UNKNOWN ? "?" : ms(w.complete()));
        }
        return sb.append(']').toString();
    }

    static String ms(long nanos) {
        return Objects.toString(nanos / 1_000_000) + "ms";
    }
}
