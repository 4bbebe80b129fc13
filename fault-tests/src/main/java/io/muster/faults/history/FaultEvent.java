package io.muster.faults.history;

/**
 * One nemesis fault: what it was, on whom, and when it began and was healed (nanoseconds, the history's clock).
 * {@code quorumLost} marks faults during which no majority could elect a leader.
 */
public record FaultEvent(int seq, String kind, String targets, long start, long healed, boolean quorumLost,
        String detail) {
}
