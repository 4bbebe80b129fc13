package io.muster.store.message;

/** A request from one member to another, before encoding: its kind and the kind's own payload. */
public record MemberMessage(MessageKind kind, byte[] payload) {
    public MemberMessage {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
