package io.muster.store.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one wire form of member-to-member requests and answers.
 *
 * <pre>
 * request: [MAGIC 'm'][VERSION 1][kind code][payload...]
 * answer:  [MAGIC 'm'][VERSION 1][OK 0][payload...]  or  [MAGIC 'm'][VERSION 1][REFUSED 1][UTF-8 message]
 * </pre>
 *
 * A request of an unknown version or kind decodes to a {@link DecodeException} whose message the receiver sends
 * back as a {@link MemberAnswer.Refused}, so the sender learns why instead of timing out.
 *
 * <p>Builds before version 1 framed requests as {@code ['A']} (applied index) and {@code ['X'][kind][payload]}
 * (forwarded writes 'W' and heartbeats 'H'); they are still read, so a new leader serves old followers during a
 * rolling upgrade. Their answers had no header; an old member reading a new answer fails that one request (it
 * answers 503), which the upgrade notes in docs/operations.md accept.
 */
public final class MemberCodec {
    static final byte MAGIC = 'm';
    public static final byte VERSION = 1;
    private static final byte OK = 0;
    private static final byte REFUSED = 1;
    private static final byte LEGACY_APPLIED_INDEX = 'A';
    private static final byte LEGACY_EXTENSION = 'X';
    private static final int HEADER = 3;
    /** Bound on a refusal's text, so a hostile or broken peer cannot make us log megabytes. */
    private static final int MAX_MESSAGE = 1024;

    private MemberCodec() {
    }

    /** A request or answer this build cannot read; its message says why, for the sender. */
    public static final class DecodeException extends IllegalArgumentException {
        public DecodeException(String message) {
            super(message);
        }
    }

    public static byte[] encode(MemberMessage m) {
        byte[] payload = m.payload();
        byte[] out = new byte[HEADER + payload.length];
        out[0] = MAGIC;
        out[1] = VERSION;
        out[2] = m.kind().code();
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        return out;
    }

    public static MemberMessage decodeRequest(byte[] bytes) {
        if (bytes.length == 0) {
            throw new DecodeException("empty member message");
        }
        if (bytes[0] == LEGACY_APPLIED_INDEX && bytes.length == 1) {
            return new MemberMessage(MessageKind.APPLIED_INDEX, new byte[0]);
        }
        if (bytes[0] == LEGACY_EXTENSION && bytes.length >= 2) {
            return new MemberMessage(kind(bytes[1]), Arrays.copyOfRange(bytes, 2, bytes.length));
        }
        checkHeader(bytes, "member message");
        return new MemberMessage(kind(bytes[2]), Arrays.copyOfRange(bytes, HEADER, bytes.length));
    }

    private static MessageKind kind(byte code) {
        return MessageKind.fromCode(code).orElseThrow(() -> new DecodeException(
                "unknown member message kind 0x" + String.format("%02x", code & 0xff)
                        + " (this member is an older or different build)"));
    }

    private static void checkHeader(byte[] bytes, String what) {
        if (bytes.length < HEADER || bytes[0] != MAGIC) {
            throw new DecodeException("not a " + what + " (" + bytes.length + " bytes, first byte 0x"
                    + String.format("%02x", bytes.length == 0 ? 0 : bytes[0] & 0xff) + ")");
        }
        if (bytes[1] != VERSION) {
            throw new DecodeException(what + " version " + bytes[1] + " is not known to this build (it reads "
                    + VERSION + ")");
        }
    }

    public static byte[] encode(MemberAnswer a) {
        byte status;
        byte[] body;
        if (a instanceof MemberAnswer.Ok ok) {
            status = OK;
            body = ok.payload();
        } else {
            status = REFUSED;
            body = truncate(((MemberAnswer.Refused) a).message()).getBytes(StandardCharsets.UTF_8);
        }
        return ByteBuffer.allocate(HEADER + body.length).put(MAGIC).put(VERSION).put(status).put(body).array();
    }

    public static MemberAnswer decodeAnswer(byte[] bytes) {
        checkHeader(bytes, "member answer");
        byte[] body = Arrays.copyOfRange(bytes, HEADER, bytes.length);
        return switch (bytes[2]) {
            case OK -> new MemberAnswer.Ok(body);
            case REFUSED -> new MemberAnswer.Refused(truncate(new String(body, StandardCharsets.UTF_8)));
            default -> throw new DecodeException("member answer status " + bytes[2] + " is not known to this build");
        };
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
