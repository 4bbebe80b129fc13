package io.muster.store.command;

/** What applying one command did, and at which log index. */
public record Result(Code code, long index) {

    /**
     * Outcomes, each with a fixed byte on the wire (in Raft replies and in answers to forwarded writes), never
     * its position in this enum.
     */
    public enum Code {
        OK(0), NOT_FOUND(1), INVALID(2), QUOTA_SERVICES(3), QUOTA_INSTANCES(4), QUOTA_INSTANCES_PER_SERVICE(5);

        private final byte wire;

        Code(int wire) {
            this.wire = (byte) wire;
        }

        public byte wire() {
            return wire;
        }

        /** The code a wire byte names; an unknown byte is refused, never guessed. */
        public static Code fromWire(byte b) {
            for (Code c : values()) {
                if (c.wire == b) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown result code " + b);
        }
    }

    public boolean ok() {
        return code == Code.OK;
    }
}
