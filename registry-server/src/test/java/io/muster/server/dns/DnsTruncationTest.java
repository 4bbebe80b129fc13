package io.muster.server.dns;

import static io.muster.server.dns.DnsFixture.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Flags;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Answers too large for UDP: service {@code big} has 40 IPv4 instances, so its A answer takes about 680 bytes
 * and its SRV answer about 1.6 KB (SRV targets are not compressed), plus 1.4 KB for the targets' addresses.
 */
@ExtendWith(DnsFixture.Extension.class)
class DnsTruncationTest {
    private static final int INSTANCES = 40;
    private static DnsFixture dns;

    @BeforeAll
    static void registerBig(DnsFixture fixture) {
        dns = fixture;
        for (int i = 1; i <= INSTANCES; i++) {
            dns.register("big", "b" + i, "{\"address\":\"10.1.0." + i + "\",\"port\":" + (9000 + i) + "}");
        }
        dns.awaitAnswer("big.service.muster.", Type.A, m -> ask(dns.tcp(), "big.service.muster.", Type.A)
                .getSection(Section.ANSWER).size() == INSTANCES);
    }

    /** Asks over raw UDP, so the size on the wire can be checked, with an EDNS0 offer of {@code payload} (0: none). */
    private static org.xbill.DNS.Message udp(String name, int type, int payload, int limit) throws Exception {
        var q = DnsFixture.query(name, type);
        if (payload > 0) {
            q.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
        }
        byte[] reply = dns.exchangeUdp(q.toWire(), Duration.ofSeconds(3)).orElseThrow();
        assertTrue(reply.length <= limit, reply.length + " bytes over a limit of " + limit);
        var m = new org.xbill.DNS.Message(reply);
        assertEquals(q.getHeader().getID(), m.getHeader().getID());
        return m;
    }

    @Test
    void udpAnswerOver512BytesIsTruncatedToWholeRecordsWithTc() throws Exception {
        for (int type : new int[] {Type.A, Type.SRV}) {
            var m = udp("big.service.muster.", type, 0, 512);
            assertTrue(m.getHeader().getFlag(Flags.TC), Type.string(type));
            int n = m.getSection(Section.ANSWER).size();
            assertTrue(n > 0 && n < INSTANCES, n + " " + Type.string(type) + " records in a truncated answer");
            assertEquals(0, m.getSection(Section.ADDITIONAL).size(), "no OPT without EDNS0, no addresses once truncated");
        }
    }

    @Test
    void tcpAnswersInFull() {
        var a = ask(dns.tcp(), "big.service.muster.", Type.A);
        assertFalse(a.getHeader().getFlag(Flags.TC));
        assertEquals(INSTANCES, a.getSection(Section.ANSWER).size());
        var srv = ask(dns.tcp(), "big.service.muster.", Type.SRV);
        assertFalse(srv.getHeader().getFlag(Flags.TC));
        assertEquals(INSTANCES, srv.getSection(Section.ANSWER).size());
        assertEquals(INSTANCES, srv.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).count());
    }

    @Test
    void resolverRetriesATruncatedAnswerOverTcp() {
        SimpleResolver resolver = dns.udp();
        resolver.setEDNS(-1, 0, 0, List.of());
        var m = ask(resolver, "big.service.muster.", Type.A);
        // 40 records need 676 bytes: over UDP without EDNS0 they cannot have come in one answer.
        assertEquals(INSTANCES, m.getSection(Section.ANSWER).size());
        assertFalse(m.getHeader().getFlag(Flags.TC));
    }

    @Test
    void resolverIgnoringTruncationSeesTc() {
        SimpleResolver resolver = dns.udp();
        resolver.setEDNS(-1, 0, 0, List.of());
        resolver.setIgnoreTruncation(true);
        var m = ask(resolver, "big.service.muster.", Type.SRV);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertTrue(m.getSection(Section.ANSWER).size() < INSTANCES);
    }

    @Test
    void ednsPayloadSizeIsHonouredAndEchoed() throws Exception {
        var a = udp("big.service.muster.", Type.A, 1232, 1232);
        assertFalse(a.getHeader().getFlag(Flags.TC));
        assertEquals(INSTANCES, a.getSection(Section.ANSWER).size());
        OPTRecord opt = a.getOPT();
        assertNotNull(opt, "an EDNS0 query gets an OPT record back");
        assertEquals(DnsResponder.UDP_MAX, opt.getPayloadSize());

        // SRV targets are never compressed (RFC 2782), so 40 SRV records take about 1.6 KB: over 1232 bytes...
        var cut = udp("big.service.muster.", Type.SRV, 1232, 1232);
        assertTrue(cut.getHeader().getFlag(Flags.TC));
        assertTrue(cut.getSection(Section.ANSWER).size() < INSTANCES);
        assertNotNull(cut.getOPT(), "a truncated answer still carries OPT");

        // ...but within 2048, where not all of their addresses fit too: those go, without TC (RFC 2181 9).
        var srv = udp("big.service.muster.", Type.SRV, 2048, 2048);
        assertFalse(srv.getHeader().getFlag(Flags.TC));
        assertEquals(INSTANCES, srv.getSection(Section.ANSWER).size());
        long addresses = srv.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).count();
        assertTrue(addresses > 0 && addresses < INSTANCES, addresses + " addresses");

        var all = udp("big.service.muster.", Type.SRV, 4096, 4096);
        assertFalse(all.getHeader().getFlag(Flags.TC));
        assertEquals(INSTANCES, all.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).count());

        // An offer below 512 bytes means 512 (RFC 6891 6.2.5).
        var tiny = udp("big.service.muster.", Type.A, 100, 512);
        assertTrue(tiny.getHeader().getFlag(Flags.TC));
    }

    @Test
    void offerAboveTheCapIsHeldToIt() throws Exception {
        var m = udp("big.service.muster.", Type.SRV, 65000, DnsResponder.UDP_MAX);
        assertFalse(m.getHeader().getFlag(Flags.TC));
    }

    @Test
    void tcpClientThatReadsSlowlyStillGetsEveryAnswerInOrder() throws Exception {
        // 2000 pipelined questions whose answers total about 6 MB: far more than the socket buffers, so the
        // server must stop answering while the client is not reading, and carry on when it reads again.
        int questions = 2000;
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), dns.dnsPort())) {
            s.setSoTimeout(10_000);
            Thread writer = new Thread(() -> {
                try {
                    var out = new java.io.BufferedOutputStream(s.getOutputStream());
                    for (int i = 0; i < questions; i++) {
                        var q = DnsFixture.query("big.service.muster.", Type.SRV);
                        q.getHeader().setID(i);
                        out.write(DnsMalformedTest.frame(q.toWire()));
                    }
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            Thread.sleep(500);
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            for (int i = 0; i < questions; i++) {
                byte[] reply = new byte[in.readUnsignedShort()];
                in.readFully(reply);
                var m = new org.xbill.DNS.Message(reply);
                assertEquals(i, m.getHeader().getID());
                assertEquals(INSTANCES, m.getSection(Section.ANSWER).size());
            }
            writer.join(10_000);
        }
    }
}
