package io.muster.store.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.command.Command;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile and malformed member messages fail with a DecodeException (a clear refusal), never anything else. */
class MemberCodecTest {

    @Test
    void anUnknownVersionIsRefusedByName() {
        MemberCodec.DecodeException e = assertThrows(MemberCodec.DecodeException.class,
                () -> MemberCodec.decodeRequest(new byte[] {'m', 9, 'W'}));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void emptyAndTruncatedMessagesAreRefused() {
        assertThrows(MemberCodec.DecodeException.class, () -> MemberCodec.decodeRequest(new byte[0]));
        assertThrows(MemberCodec.DecodeException.class, () -> MemberCodec.decodeRequest(new byte[] {'m', 1}));
        assertThrows(MemberCodec.DecodeException.class, () -> MemberCodec.decodeRequest(new byte[] {'X'}));
        assertThrows(MemberCodec.DecodeException.class, () -> MemberCodec.decodeAnswer(new byte[] {'m', 1}));
        assertThrows(MemberCodec.DecodeException.class, () -> MemberCodec.decodeAnswer(new byte[] {'m', 1, 7}));
        assertThrows(MemberCodec.DecodeException.class, () -> ForwardedWrites.decode(new byte[] {1, 0, 0}));
        assertThrows(MemberCodec.DecodeException.class, () -> ForwardedWrites.decodeAnswer(new byte[] {0, 0}, 1));
        assertThrows(MemberCodec.DecodeException.class, () -> ForwardedWrites.decodeAnswer(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0}, 1));
    }

    @Test
    void aLongRefusalIsCut() {
        MemberAnswer.Refused r = assertInstanceOf(MemberAnswer.Refused.class,
                MemberCodec.decodeAnswer(MemberCodec.encode(new MemberAnswer.Refused("x".repeat(100_000)))));
        assertTrue(r.message().length() < 2000);
    }

    @Test
    void randomBytesNeverThrowAnythingButARefusal() {
        Random random = new Random(15);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            if (b.length > 1 && random.nextBoolean()) {
                b[0] = 'm';
                b[1] = 1;
            }
            try {
                MemberMessage m = MemberCodec.decodeRequest(b);
                if (m.kind() == MessageKind.FORWARDED_WRITES) {
                    ForwardedWrites.decode(m.payload());
                }
            } catch (MemberCodec.DecodeException expected) {
                // a clear refusal
            }
            try {
                MemberCodec.decodeAnswer(b);
            } catch (MemberCodec.DecodeException expected) {
                // a clear refusal
            }
        }
    }

    @Test
    void writesRoundTrip() {
        var request = new ForwardedWrites.Request(123, List.of(new Command.Deregister("a", "b"), new Command.SetOption("k", "v")));
        assertEquals(request, ForwardedWrites.decode(ForwardedWrites.encode(request)));
    }
}
