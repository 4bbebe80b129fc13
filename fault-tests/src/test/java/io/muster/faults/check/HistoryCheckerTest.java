package io.muster.faults.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.faults.check.Anomaly.Rule;
import io.muster.faults.history.FaultEvent;
import io.muster.faults.history.Op;
import io.muster.faults.history.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each rule of the checker on small synthetic histories: one it must accept and one it must reject. TTL 5 s,
 * grace 3 s, checkpoint 1 s, commit 1 s: a dead instance must be critical 10 s after its last renewal.
 */
class HistoryCheckerTest {

    private final Ops o = new Ops();
    private final HistoryChecker checker = new HistoryChecker(new Bounds(Duration.ofSeconds(5), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Duration.ofSeconds(1)));

    private List<Rule> rules(Op... ops) {
        return rules(List.of(), ops);
    }

    private List<Rule> rules(List<FaultEvent> faults, Op... ops) {
        return checker.check(List.of(ops), faults).stream().map(Anomaly::rule).distinct().sorted().toList();
    }

    @Test
    void aCleanHistoryHasNoAnomaly() {
        assertEquals(List.of(), rules(
                o.read("consistent", 0, 5, 1),
                o.register("a", 10, 20, Outcome.OK, 5),
                o.heartbeat("a", 1000, 1010, 200),
                o.read("consistent", 1100, 1110, 5, "a", "passing"),
                o.read("default", 1100, 1120, 5, "a", "passing"),
                o.read("stale", 1100, 1120, 5, "a", "passing"),
                o.deregister("a", 2000, 2010, Outcome.OK, 9),
                o.read("consistent", 2100, 2110, 9),
                o.leader(0, "n1", 1, 0), o.leader(1, "n1", 1, 5), o.leader(1, "n2", 2, 50)));
    }

    @Test
    void acknowledgedRegistrationMissingFromTheFinalReadIsLost() {
        assertEquals(List.of(Rule.LOST_REGISTRATION, Rule.CONSISTENT_NOT_LINEARIZABLE), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.read("consistent", 100, 110, 5)));
    }

    @Test
    void heartbeatAnswered404AfterAnAcknowledgedRegistrationIsALostRegistration() {
        assertEquals(List.of(Rule.LOST_REGISTRATION), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 100, 110, 404)));
        assertEquals(List.of(), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.deregister("a", 50, 60, Outcome.OK, 6),
                o.heartbeat("a", 100, 110, 404)));
    }

    @Test
    void deletedInstanceBroughtBackByAnAbandonedRegistrationIsALostDeletion() {
        // The registration's client gave up (unknown) before the deletion was sent; the deletion must still hold.
        assertEquals(List.of(Rule.LOST_DELETION), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.register("a", 20, 3020, Outcome.UNKNOWN, -1),
                o.deregister("a", 4000, 4010, Outcome.OK, 7),
                o.read("consistent", 9000, 9010, 8, "a", "passing")));
    }

    @Test
    void aWriteRefusedWithNoLeaderThatAppliesLaterIsNotLinearizable() {
        assertEquals(List.of(Rule.CONSISTENT_NOT_LINEARIZABLE), rules(
                o.read("consistent", 0, 5, 1),
                o.register("z", 10, 3010, Outcome.FAIL, -1),
                o.read("consistent", 25_000, 25_010, 9, "z", "passing")));
        // The same write with an unknown outcome may have applied: no anomaly.
        assertEquals(List.of(), rules(
                o.read("consistent", 0, 5, 1),
                o.register("z", 10, 3010, Outcome.UNKNOWN, -1),
                o.read("consistent", 25_000, 25_010, 9, "z", "critical")));
    }

    @Test
    void consistentReadsThatFlipBackAreNotLinearizable() {
        assertEquals(List.of(Rule.CONSISTENT_NOT_LINEARIZABLE), rules(
                o.register("a", 0, 1000, Outcome.OK, 5),
                o.read("consistent", 10, 20, 5, "a", "passing"),
                o.read("consistent", 30, 40, 5),
                o.read("consistent", 2000, 2010, 5, "a", "passing")));
        assertEquals(List.of(), rules(
                o.register("a", 0, 1000, Outcome.OK, 5),
                o.read("consistent", 10, 20, 1),
                o.read("consistent", 30, 40, 5, "a", "passing"),
                o.read("consistent", 2000, 2010, 5, "a", "passing")));
    }

    @Test
    void defaultReadOlderThanAnAcknowledgedWrite() {
        assertEquals(List.of(Rule.DEFAULT_READ_OLDER_THAN_ACKNOWLEDGED), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.read("default", 20, 30, 5)));
        // Concurrent with the write, either answer is fine.
        assertEquals(List.of(), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.read("default", 5, 30, 1)));
    }

    @Test
    void staleReadsGoingBackwardsOnOneMember() {
        assertEquals(List.of(Rule.STALE_READ_WENT_BACKWARDS), rules(
                o.readOn(1, 0, "stale", 0, 10, 7),
                o.readOn(1, 0, "stale", 20, 30, 6)));
        // Another member may be behind, and a wiped member (new epoch) starts over.
        assertEquals(List.of(), rules(
                o.readOn(1, 0, "stale", 0, 10, 7),
                o.readOn(2, 0, "stale", 20, 30, 6),
                o.readOn(1, 1, "stale", 40, 50, 2)));
    }

    @Test
    void indexGoingBackwardsAcrossTheCluster() {
        assertEquals(List.of(Rule.INDEX_WENT_BACKWARDS), rules(
                o.read("consistent", 0, 10, 7),
                o.readOn(2, 0, "consistent", 20, 30, 6)));
        assertEquals(List.of(), rules(
                o.read("consistent", 0, 10, 7),
                o.readOn(2, 0, "consistent", 5, 30, 6)));
        // Log indexes of acknowledged writes grow in real time.
        assertEquals(List.of(Rule.INDEX_WENT_BACKWARDS), rules(
                o.register("a", 0, 10, Outcome.OK, 9),
                o.register("b", 20, 30, Outcome.OK, 8)));
        // An unchanged re-registration is acknowledged with a later log index than the service's: no anomaly.
        assertEquals(List.of(), rules(
                o.register("a", 0, 10, Outcome.UNKNOWN, -1),
                o.register("a", 20, 30, Outcome.OK, 14),
                o.read("consistent", 40, 50, 11, "a", "passing")));
    }

    @Test
    void criticalWhileHeartbeatsWereAcknowledged() {
        assertEquals(List.of(Rule.CRITICAL_WHILE_HEARTBEATING), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 4000, 4010, 200),
                o.read("consistent", 5000, 5010, 5, "a", "passing"),
                o.read("consistent", 6000, 6010, 8, "a", "critical")));
        // Within TTL of the registration that created it.
        assertEquals(List.of(Rule.CRITICAL_WHILE_HEARTBEATING), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.read("consistent", 3000, 3010, 8, "a", "critical")));
        // Critical after the TTL ran out since the last acknowledged renewal is right.
        assertEquals(List.of(), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 4000, 4010, 200),
                o.read("consistent", 9100, 9110, 8, "a", "critical")));
    }

    @Test
    void aRegistrationThatMayOnlyReplaceTheInstanceRenewsNothing() {
        // Seen in seed 1 (svc1/i2-5): the first attempt timed out but applied; the retry replaced the instance,
        // which keeps its status and lease, and it expired 5 s after the first attempt, 2 s after the retry.
        assertEquals(List.of(), rules(
                o.register("a", 0, 3000, Outcome.UNKNOWN, -1),
                o.read("consistent", 3200, 3210, 5, "a", "passing"),
                o.register("a", 3300, 3310, Outcome.OK, 6),
                o.read("consistent", 3400, 3410, 6, "a", "passing"),
                o.read("consistent", 5300, 5310, 7, "a", "critical")));
        // After attempts that were refused, the registration that was acknowledged created it: a renewal.
        assertEquals(List.of(Rule.CRITICAL_WHILE_HEARTBEATING), rules(
                o.register("a", 0, 10, Outcome.FAIL, -1),
                o.register("a", 300, 310, Outcome.OK, 6),
                o.read("consistent", 3400, 3410, 7, "a", "critical")));
    }

    @Test
    void aHeartbeatOnACriticalInstanceIsAnsweredBeforeItsReturnToPassingCommits() {
        // Expired (no heartbeat for 6 s), then a heartbeat: answered at once, the return to passing commits later.
        assertEquals(List.of(), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.read("consistent", 5500, 5510, 6, "a", "critical"),
                o.heartbeat("a", 6000, 6010, 200),
                o.read("consistent", 6020, 6030, 6, "a", "critical"),
                o.read("consistent", 6100, 6110, 7, "a", "passing")));
        // Passing after the heartbeat, critical again within its TTL: it turned critical while heartbeating.
        assertEquals(List.of(Rule.CRITICAL_WHILE_HEARTBEATING), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.read("consistent", 5500, 5510, 6, "a", "critical"),
                o.heartbeat("a", 6000, 6010, 200),
                o.read("consistent", 6100, 6110, 7, "a", "passing"),
                o.read("consistent", 7000, 7010, 8, "a", "critical")));
    }

    @Test
    void aNewLeaderKnowsRenewalsOnlyAsOfTheLastCheckpoint() {
        // Seen in seed 1 (svc1/i2-12): a heartbeat acknowledged by the leader 74 ms before it was killed; the next
        // leader had its renewal from the checkpoint before and expired it 4.4 s after the heartbeat (rule 6).
        assertEquals(List.of(), rules(
                o.leader(0, "n1", 1, 3000),
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 4000, 4010, 200),
                o.read("consistent", 4500, 4510, 5, "a", "passing"),
                o.leader(1, "n2", 2, 6000),
                o.read("consistent", 8400, 8410, 8, "a", "critical")));
        // The new term was reported before the heartbeat was sent: whoever acknowledged it had been deposed.
        assertEquals(List.of(Rule.CRITICAL_WHILE_HEARTBEATING), rules(
                o.leader(0, "n1", 1, 3000),
                o.leader(1, "n2", 2, 3500),
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 4000, 4010, 200),
                o.read("consistent", 4500, 4510, 5, "a", "passing"),
                o.read("consistent", 8400, 8410, 8, "a", "critical")));
    }

    @Test
    void aQuorumLossLastsUntilTheQuorumIsBackNotUntilTheRestart() {
        // Seen in seed 1 (svc1/i2-5): two members killed at 2 s and restarted at 4 s took until 12 s to be up and
        // elect a leader; nobody could expire anything before. Bound: 1010 + 10000 + (12000 - 2000) ms.
        assertEquals(List.of(), rules(List.of(new FaultEvent(1, "QUORUM_LOSS", "n2,n3", 2_000_000_000L,
                        4_000_000_000L, true, "", 12_000_000_000L)),
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 1000, 1010, 200),
                o.read("consistent", 19_000, 19_010, 5, "a", "passing"),
                o.read("consistent", 21_100, 21_110, 8, "a", "critical")));
        assertEquals(List.of(Rule.DEAD_INSTANCE_PASSING_PAST_BOUND), rules(List.of(new FaultEvent(1, "QUORUM_LOSS",
                        "n2,n3", 2_000_000_000L, 4_000_000_000L, true, "", 12_000_000_000L)),
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 1000, 1010, 200),
                o.read("consistent", 21_100, 21_110, 5, "a", "passing")));
    }

    @Test
    void deadInstancePassingPastTheBound() {
        assertEquals(List.of(Rule.DEAD_INSTANCE_PASSING_PAST_BOUND), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 1000, 1010, 200),
                o.read("consistent", 11_100, 11_110, 5, "a", "passing")));
        assertEquals(List.of(), rules(
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 1000, 1010, 200),
                o.read("consistent", 10_900, 10_910, 5, "a", "passing"),
                o.read("consistent", 11_100, 11_110, 8, "a", "critical")));
        // Time without quorum does not count against the bound.
        assertEquals(List.of(), rules(List.of(new FaultEvent(1, "quorum-loss", "n2,n3", 2_000_000_000L,
                        6_000_000_000L, true, "")),
                o.register("a", 0, 10, Outcome.OK, 5),
                o.heartbeat("a", 1000, 1010, 200),
                o.read("consistent", 11_100, 11_110, 5, "a", "passing")));
    }

    @Test
    void twoLeadersInOneTerm() {
        assertEquals(List.of(Rule.TWO_LEADERS_IN_ONE_TERM), rules(
                o.leader(0, "n1", 4, 0),
                o.leader(2, "n3", 4, 10)));
    }
}
