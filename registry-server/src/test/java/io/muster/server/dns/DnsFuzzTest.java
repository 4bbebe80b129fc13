package io.muster.server.dns;

import static io.muster.server.dns.DnsFixture.answerData;
import static io.muster.server.dns.DnsFixture.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Random and mutated packets, from a fixed seed, against a real member's sockets. Each UDP packet that
 * deserves an answer (at least a header, and not itself a response) must get one with its id, readable by
 * dnsjava; afterwards the member must still answer properly over UDP and TCP, and no packet may have hit an
 * unexpected exception (which the server would count as SERVFAIL).
 */
@ExtendWith(DnsFixture.Extension.class)
class DnsFuzzTest {
    private static final long SEED = 20260505L;
    private static final int UDP_CASES = 6000;
    private static final int TCP_CONNECTIONS = 60;
    private static DnsFixture dns;

    @BeforeAll
    static void registerFuzz(DnsFixture fixture) {
        dns = fixture;
        dns.register("fuzz", "z1", "{\"address\":\"10.5.0.1\",\"port\":1,\"tags\":[\"t\"],\"metadata\":{\"k\":\"v\"}}");
        dns.register("fuzz", "z2", "{\"address\":\"fd00::5\",\"port\":2}");
        dns.awaitAnswer("fuzz.service.muster.", Type.SRV, m -> m.getSection(Section.ANSWER).size() == 2);
    }

    private static final List<byte[]> SEEDS = List.of(
            query("fuzz.service.muster.", Type.A, 0),
            query("_fuzz._tcp.service.muster.", Type.SRV, 1232),
            query("t.fuzz.service.muster.", Type.TXT, 4096),
            query("0a050001.addr.muster.", Type.AAAA, 0),
            query("muster.", Type.SOA, 512),
            query("nosuch.service.muster.", Type.A, 0));

    private static byte[] query(String name, int type, int payload) {
        var q = DnsFixture.query(name, type);
        if (payload > 0) {
            q.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
        }
        return q.toWire();
    }

    static byte[] randomPacket(Random r) {
        byte[] p = new byte[r.nextInt(r.nextBoolean() ? 40 : 600)];
        r.nextBytes(p);
        if (p.length > 2 && r.nextBoolean()) {
            p[2] &= 0x7f;
        }
        return p;
    }

    static byte[] mutate(Random r, byte[] seed) {
        byte[] p = seed.clone();
        switch (r.nextInt(6)) {
            case 0 -> {
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    p[r.nextInt(p.length)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> p = Arrays.copyOf(p, r.nextInt(p.length));
            case 2 -> {
                byte[] tail = new byte[1 + r.nextInt(64)];
                r.nextBytes(tail);
                p = Arrays.copyOf(p, p.length + tail.length);
                System.arraycopy(tail, 0, p, seed.length, tail.length);
            }
            case 3 -> {
                // Section counts that lie.
                int at = 4 + 2 * r.nextInt(4);
                p[at] = (byte) r.nextInt(256);
                p[at + 1] = (byte) r.nextInt(256);
            }
            case 4 -> p[2 + r.nextInt(2)] = (byte) r.nextInt(256);
            default -> {
                int at = 12 + r.nextInt(p.length - 12);
                p[at] = (byte) (0xC0 | r.nextInt(64));
            }
        }
        return p;
    }

    private static boolean deservesAnswer(byte[] p) {
        return p.length >= Header.LENGTH && (p[2] & 0x80) == 0;
    }

    @Test
    void randomAndMutatedUdpPacketsNeverStopTheServer() throws Exception {
        Random r = new Random(SEED);
        int answered = 0;
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            byte[] buf = new byte[65535];
            for (int i = 0; i < UDP_CASES; i++) {
                byte[] p = r.nextInt(3) == 0 ? randomPacket(r) : mutate(r, SEEDS.get(r.nextInt(SEEDS.size())));
                s.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), dns.dnsPort()));
                if (!deservesAnswer(p)) {
                    continue;
                }
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                receiveReplyTo(s, reply, p, i);
                byte[] wire = Arrays.copyOf(buf, reply.getLength());
                var h = new Header(wire);
                assertTrue(h.getFlag(Flags.QR), "case " + i);
                new org.xbill.DNS.Message(wire);
                answered++;
            }
        }
        assertTrue(answered > UDP_CASES / 2, answered + " answered");
        assertStillServing();
    }

    /** Waits for the reply carrying this packet's id; stale replies to earlier unanswered-looking cases are skipped. */
    private static void receiveReplyTo(DatagramSocket s, DatagramPacket reply, byte[] p, int i) throws IOException {
        int id = ((p[0] & 0xff) << 8) | (p[1] & 0xff);
        while (true) {
            try {
                s.receive(reply);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("case " + i + " got no answer: " + Arrays.toString(p), e);
            }
            byte[] d = reply.getData();
            if (reply.getLength() >= 2 && (((d[0] & 0xff) << 8) | (d[1] & 0xff)) == id) {
                return;
            }
        }
    }

    @Test
    void garbageTcpStreamsNeverStopTheServer() throws Exception {
        Random r = new Random(SEED + 1);
        for (int c = 0; c < TCP_CONNECTIONS; c++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), dns.dnsPort())) {
                OutputStream out = s.getOutputStream();
                for (int f = 0, frames = 1 + r.nextInt(8); f < frames; f++) {
                    byte[] body = r.nextBoolean() ? mutate(r, SEEDS.get(r.nextInt(SEEDS.size()))) : randomPacket(r);
                    int declared = switch (r.nextInt(4)) {
                        case 0 -> r.nextInt(65536);
                        default -> body.length;
                    };
                    out.write(new byte[] {(byte) (declared >>> 8), (byte) declared});
                    out.write(body, 0, r.nextInt(5) == 0 ? r.nextInt(body.length + 1) : body.length);
                }
                out.flush();
            } catch (IOException e) {
                // The server may close a connection whose stream it gave up on; that is its right.
            }
        }
        assertStillServing();
    }

    private static void assertStillServing() {
        assertEquals(List.of("10.5.0.1"), answerData(dns.ask("fuzz.service.muster.", Type.A)));
        assertEquals(2, ask(dns.tcp(), "fuzz.service.muster.", Type.SRV).getSection(Section.ANSWER).size());
        String scrape = dns.cluster().server(dns.member()).meters().scrape();
        assertFalse(scrape.contains("rcode=\"SERVFAIL\""), "no packet hit an unexpected exception");
    }
}
