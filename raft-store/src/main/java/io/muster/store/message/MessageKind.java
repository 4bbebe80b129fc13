package io.muster.store.message;

import java.util.Optional;

/**
 * What one member asks another (always the leader) outside the log. Each kind has a fixed code on the wire,
 * never its position in this enum: members of different builds meet during a rolling upgrade, so reordering or
 * adding kinds must not change what a byte means.
 */
public enum MessageKind {
    /** The leader's applied index: the barrier of a {@code default} read. Empty payload; answer: 8-byte index. */
    APPLIED_INDEX((byte) 'A'),
    /** A follower's batch of writes for the leader's batcher (payload: {@link ForwardedWrites}). */
    FORWARDED_WRITES((byte) 'W'),
    /** A batch of heartbeats for the leader's leases, as builds before deadlines sent it (payload: JSON beats). */
    FORWARDED_HEARTBEATS((byte) 'H'),
    /**
     * A batch of heartbeats for the leader's leases with the time after which none of them may renew (payload:
     * 8-byte deadline, epoch ms on the sender's clock, then JSON beats).
     */
    HEARTBEATS_BEFORE_DEADLINE((byte) 'B'),
    /** Whether the leader's self-preservation holds expiries now. Empty payload; answer: one byte, 1 or 0. */
    SELF_PRESERVATION((byte) 'S');

    private final byte code;

    MessageKind(byte code) {
        this.code = code;
    }

    /** This kind's byte on the wire. */
    public byte code() {
        return code;
    }

    /** The kind a wire byte names, if this build knows it. */
    public static Optional<MessageKind> fromCode(byte code) {
        for (MessageKind k : values()) {
            if (k.code == code) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
