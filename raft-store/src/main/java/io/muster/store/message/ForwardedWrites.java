package io.muster.store.message;

import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.EntryCodec;
import io.muster.store.command.Result;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The payload of {@link MessageKind#FORWARDED_WRITES}: a follower's batch of commands and the moment after which
 * the leader must not start them.
 *
 * <pre>
 * request: [VERSION 1][8-byte notAfter, epoch ms on the follower's clock][log entry of the commands (EntryCodec)]
 * answer:  per command [Result.Code wire byte][8-byte index]
 * </pre>
 *
 * The deadline exists because a request sent into a partition can sit in a gRPC buffer and reach the leader after
 * the heal, long after the follower told its client the write had failed; the leader refuses it instead of
 * registering a zombie. Clocks of members differ by their skew, which the deadline's margin must cover
 * (docs/consistency.md).
 */
public final class ForwardedWrites {
    public static final byte VERSION = 1;
    private static final int ANSWER_BYTES = 9;

    /** A decoded request. */
    public record Request(long notAfterMillis, List<Command> commands) {
        public Request {
            commands = List.copyOf(commands);
        }
    }

    private ForwardedWrites() {
    }

    public static byte[] encode(Request r) {
        byte[] entry = EntryCodec.encode(new Entry(0, r.commands()));
        return ByteBuffer.allocate(9 + entry.length).put(VERSION).putLong(r.notAfterMillis()).put(entry).array();
    }

    public static Request decode(byte[] payload) {
        if (payload.length < 9 || payload[0] != VERSION) {
            throw new MemberCodec.DecodeException("forwarded writes of an unknown format ("
                    + payload.length + " bytes, version " + (payload.length > 0 ? payload[0] : -1) + ")");
        }
        long notAfter = ByteBuffer.wrap(payload, 1, 8).getLong();
        try {
            return new Request(notAfter, EntryCodec.decode(Arrays.copyOfRange(payload, 9, payload.length)).commands());
        } catch (IllegalArgumentException e) {
            throw new MemberCodec.DecodeException("malformed forwarded writes: " + e.getMessage());
        }
    }

    public static byte[] encodeAnswer(List<Result> results) {
        ByteBuffer out = ByteBuffer.allocate(results.size() * ANSWER_BYTES);
        for (Result r : results) {
            out.put(r.code().wire()).putLong(r.index());
        }
        return out.array();
    }

    public static List<Result> decodeAnswer(byte[] answer, int expected) {
        if (answer.length != expected * ANSWER_BYTES) {
            throw new MemberCodec.DecodeException("an answer of " + answer.length + " bytes to " + expected
                    + " forwarded writes");
        }
        ByteBuffer in = ByteBuffer.wrap(answer);
        List<Result> results = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            byte code = in.get();
            long index = in.getLong();
            try {
                results.add(new Result(Result.Code.fromWire(code), index));
            } catch (IllegalArgumentException e) {
                throw new MemberCodec.DecodeException(e.getMessage());
            }
        }
        return results;
    }
}
