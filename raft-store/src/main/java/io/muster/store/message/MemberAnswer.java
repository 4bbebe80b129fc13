package io.muster.store.message;

/** What the receiving member answers: the kind's payload, or an error it states in words. */
public sealed interface MemberAnswer {

    /** The request was served; {@code payload} is the kind's answer. */
    record Ok(byte[] payload) implements MemberAnswer {
        public Ok {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }
    }

    /** The request was refused before it ran (unknown kind, malformed payload, no handler here). */
    record Refused(String message) implements MemberAnswer {
    }
}
