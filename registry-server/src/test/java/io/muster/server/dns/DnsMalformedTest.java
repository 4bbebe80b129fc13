package io.muster.server.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Messages a resolver would never send, over UDP and TCP, and TCP framing edge cases. */
@ExtendWith(DnsFixture.Extension.class)
class DnsMalformedTest {
    private static DnsFixture dns;

    @BeforeAll
    static void registerEcho(DnsFixture fixture) {
        dns = fixture;
        dns.register("echo", "e1", "{\"address\":\"10.4.0.1\",\"port\":7}");
        dns.awaitAnswer("echo.service.muster.", Type.A, m -> m.getSection(Section.ANSWER).size() == 1);
    }

    private static byte[] header(int id, int flags, int qd, int an, int ns, int ar) {
        return ByteBuffer.allocate(12).putShort((short) id).putShort((short) flags).putShort((short) qd)
                .putShort((short) an).putShort((short) ns).putShort((short) ar).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static org.xbill.DNS.Message udp(byte[] query) throws IOException {
        return new org.xbill.DNS.Message(dns.exchangeUdp(query, Duration.ofSeconds(3)).orElseThrow());
    }

    @Test
    void unreadableQuestionIsFormerrWithTheIdEchoed() throws Exception {
        // One question announced, then a label that runs past the end of the packet.
        byte[] q = concat(header(0x1234, 0x0100, 1, 0, 0, 0), new byte[] {5, 'a', 'b'});
        var m = udp(q);
        assertEquals(Rcode.FORMERR, m.getRcode());
        assertEquals(0x1234, m.getHeader().getID());
        assertTrue(m.getHeader().getFlag(Flags.QR));
        assertTrue(m.getHeader().getFlag(Flags.RD), "RD is copied");
    }

    @Test
    void compressionLoopIsFormerr() throws Exception {
        byte[] q = concat(header(7, 0, 1, 0, 0, 0), new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1});
        assertEquals(Rcode.FORMERR, udp(q).getRcode());
    }

    @Test
    void anythingButOneQuestionIsFormerr() throws Exception {
        assertEquals(Rcode.FORMERR, udp(header(8, 0, 0, 0, 0, 0)).getRcode());
        var two = DnsFixture.query("echo.service.muster.", Type.A);
        two.addRecord(Record.newRecord(Name.fromString("echo.service.muster."), Type.AAAA, DClass.IN), Section.QUESTION);
        assertEquals(Rcode.FORMERR, udp(two.toWire()).getRcode());
    }

    @Test
    void otherOpcodesAreNotImplemented() throws Exception {
        var q = DnsFixture.query("echo.service.muster.", Type.A);
        q.getHeader().setOpcode(Opcode.NOTIFY);
        var m = udp(q.toWire());
        assertEquals(Rcode.NOTIMP, m.getRcode());
        assertEquals(Opcode.NOTIFY, m.getHeader().getOpcode());
    }

    @Test
    void unknownEdnsVersionIsBadvers() throws Exception {
        var q = DnsFixture.query("echo.service.muster.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        assertEquals(Rcode.BADVERS, udp(q.toWire()).getRcode());
    }

    @Test
    void zoneTransfersAndOtherClassesAreRefused() throws Exception {
        assertEquals(Rcode.REFUSED, udp(DnsFixture.query("muster.", Type.AXFR).toWire()).getRcode());
        var chaos = org.xbill.DNS.Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));
        assertEquals(Rcode.REFUSED, udp(chaos.toWire()).getRcode());
    }

    @Test
    void responsesAndRuntsGetNoReply() {
        var response = DnsFixture.query("echo.service.muster.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        assertTrue(dns.exchangeUdp(response.toWire(), Duration.ofMillis(300)).isEmpty(), "a response is never answered");
        assertTrue(dns.exchangeUdp(new byte[5], Duration.ofMillis(300)).isEmpty(), "less than a header");
        // ...and the server still answers the next query.
        assertEquals(1, dns.ask("echo.service.muster.", Type.A).getSection(Section.ANSWER).size());
    }

    @Test
    void tcpAnswersPipelinedAndSplitMessagesInOrder() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), dns.dnsPort())) {
            s.setSoTimeout(5000);
            var out = new DataOutputStream(s.getOutputStream());
            var in = new DataInputStream(s.getInputStream());
            byte[] a = withId(DnsFixture.query("echo.service.muster.", Type.A), 1);
            byte[] b = withId(DnsFixture.query("nosuch.service.muster.", Type.A), 2);
            byte[] c = concat(header(3, 0, 1, 0, 0, 0), new byte[] {9, 'x'});
            byte[] d = withId(DnsFixture.query("echo.service.muster.", Type.SRV), 4);
            // Three messages in one write, then one a byte at a time.
            out.write(concat(concat(frame(a), frame(b)), frame(c)));
            out.flush();
            for (byte x : frame(d)) {
                out.write(x);
                out.flush();
            }
            List<int[]> expected = List.of(new int[] {1, Rcode.NOERROR}, new int[] {2, Rcode.NXDOMAIN},
                    new int[] {3, Rcode.FORMERR}, new int[] {4, Rcode.NOERROR});
            for (int[] e : expected) {
                byte[] reply = new byte[in.readUnsignedShort()];
                in.readFully(reply);
                var m = new org.xbill.DNS.Message(reply);
                assertArrayEquals(e, new int[] {m.getHeader().getID(), m.getRcode()});
            }
        }
    }

    @Test
    void tcpSkipsRuntFramesAndKeepsServing() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), dns.dnsPort())) {
            s.setSoTimeout(5000);
            var out = new DataOutputStream(s.getOutputStream());
            out.write(new byte[] {0, 0, 0, 3, 1, 2, 3});
            out.write(frame(withId(DnsFixture.query("echo.service.muster.", Type.A), 9)));
            out.flush();
            var in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            assertEquals(9, new Header(reply).getID());
        }
    }

    private static byte[] withId(org.xbill.DNS.Message m, int id) {
        m.getHeader().setID(id);
        return m.toWire();
    }

    static byte[] frame(byte[] message) {
        return concat(new byte[] {(byte) (message.length >>> 8), (byte) message.length}, message);
    }
}
