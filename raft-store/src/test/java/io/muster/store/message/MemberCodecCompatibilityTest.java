package io.muster.store.message;

import static io.muster.store.compat.CompatFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import io.muster.store.command.Result;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Member messages of version 1 keep their bytes: members of two builds talk during a rolling upgrade, so neither
 * reordering {@link MessageKind} or {@link Result.Code} nor adding to them may change what is on the wire. The
 * fixtures under {@code compat/messages-v1/} are never regenerated to make this pass.
 */
class MemberCodecCompatibilityTest {
    private static final String DIR = "/compat/messages-v1/";

    private static byte[] fixture(String name) {
        return resource(DIR + name);
    }

    @Test
    void v1RequestsDecodeToTheirKinds() {
        assertEquals(MessageKind.APPLIED_INDEX, MemberCodec.decodeRequest(fixture("applied-index.request.bin")).kind());
        MemberMessage beats = MemberCodec.decodeRequest(fixture("heartbeats.request.bin"));
        assertEquals(MessageKind.FORWARDED_HEARTBEATS, beats.kind());
        assertTrue(new String(beats.payload(), StandardCharsets.UTF_8).contains("\"web-1\""));
        MemberMessage writes = MemberCodec.decodeRequest(fixture("writes.request.bin"));
        assertEquals(MessageKind.FORWARDED_WRITES, writes.kind());
        ForwardedWrites.Request r = ForwardedWrites.decode(writes.payload());
        assertEquals(1_700_000_004_000L, r.notAfterMillis());
        assertEquals(List.of(new Command.Deregister("web", "web-1")), r.commands());
    }

    @Test
    void todaysEncodingIsByteForByteTheV1Fixture() {
        assertArrayEquals(fixture("applied-index.request.bin"),
                MemberCodec.encode(new MemberMessage(MessageKind.APPLIED_INDEX, new byte[0])));
        byte[] payload = ForwardedWrites.encode(new ForwardedWrites.Request(1_700_000_004_000L,
                List.of(new Command.Deregister("web", "web-1"))));
        assertArrayEquals(fixture("writes.request.bin"), MemberCodec.encode(new MemberMessage(MessageKind.FORWARDED_WRITES, payload)));
        assertArrayEquals(fixture("applied-index.answer.bin"),
                MemberCodec.encode(new MemberAnswer.Ok(ByteBuffer.allocate(8).putLong(42).array())));
        assertArrayEquals(fixture("refused.answer.bin"), MemberCodec.encode(new MemberAnswer.Refused("no such kind")));
        byte[] writeAnswer = ForwardedWrites.encodeAnswer(List.of(new Result(Result.Code.OK, 7),
                new Result(Result.Code.NOT_FOUND, 7), new Result(Result.Code.INVALID, 7)));
        assertArrayEquals(fixture("writes.answer.bin"), MemberCodec.encode(new MemberAnswer.Ok(writeAnswer)));
    }

    @Test
    void kindsAndResultCodesHaveFixedWireBytes() {
        assertEquals('A', MessageKind.APPLIED_INDEX.code());
        assertEquals('W', MessageKind.FORWARDED_WRITES.code());
        assertEquals('H', MessageKind.FORWARDED_HEARTBEATS.code());
        assertEquals('B', MessageKind.HEARTBEATS_BEFORE_DEADLINE.code());
        assertEquals(0, Result.Code.OK.wire());
        assertEquals(1, Result.Code.NOT_FOUND.wire());
        assertEquals(2, Result.Code.INVALID.wire());
    }

    @Test
    void v1AnswersDecode() {
        MemberAnswer.Ok ok = assertInstanceOf(MemberAnswer.Ok.class, MemberCodec.decodeAnswer(fixture("writes.answer.bin")));
        assertEquals(List.of(new Result(Result.Code.OK, 7), new Result(Result.Code.NOT_FOUND, 7), new Result(Result.Code.INVALID, 7)),
                ForwardedWrites.decodeAnswer(ok.payload(), 3));
        MemberAnswer.Refused refused = assertInstanceOf(MemberAnswer.Refused.class, MemberCodec.decodeAnswer(fixture("refused.answer.bin")));
        assertEquals("no such kind", refused.message());
    }

    @Test
    void anUnknownKindIsRefusedWithAMessageThatNamesIt() {
        MemberCodec.DecodeException e = assertThrows(MemberCodec.DecodeException.class,
                () -> MemberCodec.decodeRequest(fixture("unknown-kind.request.bin")));
        assertTrue(e.getMessage().contains("unknown member message kind 0x5a"), e.getMessage());
    }

    @Test
    void legacyFramingFromBeforeVersion1IsStillRead() {
        assertEquals(MessageKind.APPLIED_INDEX, MemberCodec.decodeRequest(fixture("legacy-applied-index.request.bin")).kind());
        MemberMessage writes = MemberCodec.decodeRequest(fixture("legacy-writes.request.bin"));
        assertEquals(MessageKind.FORWARDED_WRITES, writes.kind());
        assertEquals(List.of(new Command.Deregister("web", "web-1")), ForwardedWrites.decode(writes.payload()).commands());
    }
}
