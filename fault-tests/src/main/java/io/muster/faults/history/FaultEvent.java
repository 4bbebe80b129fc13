package io.muster.faults.history;

/**
 * One nemesis fault: what it was, on whom, and when it began and was healed (nanoseconds, the history's clock).
 * {@code quorumLost} marks faults during which no majority could elect a leader. {@code quorumBack} is when, after
 * the heal, the nemesis first saw a majority of members ready with a leader among them that answers ready too (0
 * if never, or in a history recorded before the field existed): a fault that killed a majority keeps the quorum
 * away until the restarted members are up and one of them leads, well after the restart was issued.
 */
public record FaultEvent(int seq, String kind, String targets, long start, long healed, boolean quorumLost,
        String detail, long quorumBack) {

    public FaultEvent(int seq, String kind, String targets, long start, long healed, boolean quorumLost, String detail) {
        this(seq, kind, targets, start, healed, quorumLost, detail, 0);
    }

    /** The end of the time this fault kept the quorum away: its heal, or later when the quorum came back later. */
    public long quorumLostUntil() {
        return Math.max(healed, quorumBack);
    }
}
