package io.muster.faults.nemesis;

import io.muster.faults.cluster.Member;
import io.muster.faults.cluster.ProcessCluster;
import io.muster.faults.history.FaultEvent;
import io.muster.faults.history.History;
import io.muster.faults.net.NetworkFaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Draws faults from a seeded random source, applies each, holds it, heals it, and waits for the cluster to be
 * whole again before the next. The schedule (kinds, durations, which follower) follows from the seed; which
 * member is leader when a fault strikes depends on the run.
 */
public final class Nemesis {

    private final ProcessCluster cluster;
    private final History history;
    private final Random rnd;
    private final Duration ttl;
    private final Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
    private int unrecovered;

    public Nemesis(ProcessCluster cluster, History history, long seed, Duration ttl) {
        this.cluster = cluster;
        this.history = history;
        this.rnd = new Random(seed);
        this.ttl = ttl;
    }

    public Map<FaultKind, Integer> counts() {
        return counts;
    }

    /** Faults after which the cluster was not whole again within the recovery deadline. */
    public int unrecovered() {
        return unrecovered;
    }

    /** Applies {@code faults} faults, or as many as start before {@code deadlineNanos} (System.nanoTime). */
    public void run(int faults, long deadlineNanos) {
        FaultKind[] kinds = FaultKind.values();
        for (int seq = 1; seq <= faults; seq++) {
            if (System.nanoTime() - deadlineNanos > 0) {
                System.out.printf("time budget spent after %d faults%n", seq - 1);
                return;
            }
            FaultKind kind = kinds[rnd.nextInt(kinds.length)];
            long holdMs = 0;
            int leader = cluster.leader().orElse(rnd.nextInt(cluster.size()));
            List<Integer> followers = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                if (i != leader) {
                    followers.add(i);
                }
            }
            Collections.shuffle(followers, rnd);
            int follower = followers.get(0);
            long start = history.now();
            String targets;
            String detail = "";
            boolean quorumLost = false;
            switch (kind) {
                case KILL_LEADER -> {
                    targets = id(leader);
                    holdMs = 500 + rnd.nextInt(2000);
                    cluster.member(leader).kill();
                    sleep(holdMs);
                    cluster.member(leader).start();
                }
                case KILL_FOLLOWER -> {
                    targets = id(follower);
                    holdMs = 500 + rnd.nextInt(2000);
                    cluster.member(follower).kill();
                    sleep(holdMs);
                    cluster.member(follower).start();
                }
                case PAUSE_LEADER -> {
                    targets = id(leader);
                    holdMs = 1500 + rnd.nextInt(2000);
                    pause(leader, holdMs);
                }
                case PAUSE_LEADER_PAST_TTL -> {
                    targets = id(leader);
                    holdMs = ttl.toMillis() + 1000 + rnd.nextInt(2000);
                    pause(leader, holdMs);
                }
                case PAUSE_FOLLOWER_PAST_TTL -> {
                    targets = id(follower);
                    holdMs = ttl.toMillis() + 1000 + rnd.nextInt(2000);
                    pause(follower, holdMs);
                }
                case TERM_LEADER -> {
                    targets = id(leader);
                    holdMs = 300 + rnd.nextInt(1500);
                    cluster.member(leader).terminate();
                    sleep(holdMs);
                    cluster.member(leader).start();
                }
                case TERM_FOLLOWER -> {
                    targets = id(follower);
                    holdMs = 300 + rnd.nextInt(1500);
                    cluster.member(follower).terminate();
                    sleep(holdMs);
                    cluster.member(follower).start();
                }
                case WIPE_FOLLOWER -> {
                    targets = id(follower);
                    holdMs = 300 + rnd.nextInt(1500);
                    Member m = cluster.member(follower);
                    m.kill();
                    m.wipe();
                    sleep(holdMs);
                    m.start();
                }
                case QUORUM_LOSS -> {
                    // Leave fewer than a majority running: n - n/2 followers go.
                    List<Integer> majority = followers.subList(0, cluster.size() - cluster.size() / 2);
                    targets = ids(majority);
                    holdMs = 1500 + rnd.nextInt(2500);
                    quorumLost = true;
                    majority.forEach(i -> cluster.member(i).kill());
                    sleep(holdMs);
                    majority.forEach(i -> cluster.member(i).start());
                }
                case PARTITION_FOLLOWER -> {
                    targets = id(follower);
                    holdMs = 2000 + rnd.nextInt(5000);
                    NetworkFaults.partition(List.of(follower), others(follower));
                    sleep(holdMs);
                    NetworkFaults.heal(cluster.size());
                }
                case PARTITION_ONE_WAY -> {
                    int at = rnd.nextInt(cluster.size());
                    int from = (at + 1 + rnd.nextInt(cluster.size() - 1)) % cluster.size();
                    targets = id(at) + "<-" + id(from);
                    detail = id(at) + " stops hearing " + id(from);
                    holdMs = 2000 + rnd.nextInt(5000);
                    NetworkFaults.drop(at, List.of(from));
                    sleep(holdMs);
                    NetworkFaults.heal(cluster.size());
                }
                case PARTITION_LEADER_MINORITY -> {
                    List<Integer> minority = new ArrayList<>(List.of(leader));
                    // The leader and (n-1)/2 - 1 followers: a minority, however many members.
                    minority.addAll(followers.subList(0, (cluster.size() - 1) / 2 - 1));
                    List<Integer> majority = new ArrayList<>(followers);
                    majority.removeAll(minority);
                    targets = ids(minority) + "|" + ids(majority);
                    holdMs = 2000 + rnd.nextInt(5000);
                    NetworkFaults.partition(minority, majority);
                    sleep(holdMs);
                    NetworkFaults.heal(cluster.size());
                }
                case NETEM -> {
                    int delay = 20 + rnd.nextInt(130);
                    int jitter = rnd.nextInt(Math.max(1, delay / 2));
                    double loss = rnd.nextInt(60) / 10.0;
                    boolean all = rnd.nextBoolean();
                    List<Integer> on = all ? allMembers() : List.of(rnd.nextInt(cluster.size()));
                    targets = ids(on);
                    holdMs = 2000 + rnd.nextInt(4000);
                    List<String> applied = new ArrayList<>();
                    on.forEach(i -> applied.add(NetworkFaults.netem(i, delay, jitter, loss)));
                    detail = applied.get(0);
                    sleep(holdMs);
                    NetworkFaults.heal(cluster.size());
                }
                default -> throw new IllegalStateException(kind.toString());
            }
            long healed = history.now();
            ProcessCluster.Recovery recovery = cluster.awaitRecovery(Duration.ofSeconds(90), history::now);
            boolean whole = recovery.whole();
            if (!whole) {
                unrecovered++;
                detail = (detail + " not whole within 90s of healing").trim();
                // Still stuck now: what each member waits for goes into its log, for whoever reads the run.
                cluster.members().forEach(Member::dumpThreads);
            }
            history.add(new FaultEvent(seq, kind.name(), targets, start, healed, quorumLost, detail, recovery.quorumBack()));
            counts.merge(kind, 1, Integer::sum);
            System.out.printf("fault %d/%d %s %s held %d ms%s%n", seq, faults, kind, targets, holdMs,
                    whole ? "" : " (NOT RECOVERED)");
            sleep(300 + rnd.nextInt(1000));
        }
    }

    private void pause(int i, long ms) {
        cluster.member(i).pause();
        sleep(ms);
        cluster.member(i).resume();
    }

    private List<Integer> others(int i) {
        return allMembers().stream().filter(x -> x != i).toList();
    }

    private List<Integer> allMembers() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            all.add(i);
        }
        return all;
    }

    private String id(int i) {
        return cluster.member(i).id();
    }

    private String ids(List<Integer> is) {
        return is.stream().map(this::id).collect(Collectors.joining(","));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
