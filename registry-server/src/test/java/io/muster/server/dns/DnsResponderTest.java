package io.muster.server.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.model.InstanceSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The message rules without sockets, against an in-memory catalog: sizes at the extremes, the domain and TTL
 * settings, and a larger fuzz run than the socket-level one can afford.
 */
class DnsResponderTest {
    private final Catalog catalog = new Catalog();
    private long index;

    private void register(String service, String id, String address, Map<String, String> metadata) {
        var spec = new InstanceSpec(address, 80, List.of(), metadata, 1, null);
        catalog.apply(++index, new Entry(0, List.of(new Command.Register(service, id, spec))));
    }

    private DnsResponder responder(String domain, long ttl) {
        return new DnsResponder(new DnsAnswers(catalog, new DnsNames(domain), ttl, Optional.empty()),
                new DnsMetrics(new SimpleMeterRegistry()));
    }

    private static org.xbill.DNS.Message respond(DnsResponder responder, String name, int type, Transport t)
            throws IOException {
        byte[] wire = responder.respond(DnsFixture.query(name, type).toWire(), t).orElseThrow();
        assertTrue(wire.length <= (t == Transport.TCP ? DnsResponder.TCP_MAX : DnsResponder.UDP_MIN));
        return new org.xbill.DNS.Message(wire);
    }

    @Test
    void domainAndTtlAreSettings() throws Exception {
        register("api", "a1", "192.0.2.7", Map.of());
        DnsResponder r = responder("svc.example", 30);
        var m = respond(r, "api.service.svc.example.", Type.A, Transport.UDP);
        assertEquals("192.0.2.7", m.getSection(Section.ANSWER).get(0).rdataToString());
        assertEquals(30, m.getSection(Section.ANSWER).get(0).getTTL());
        var srv = respond(r, "_api._tcp.service.svc.example.", Type.SRV, Transport.UDP);
        assertEquals("1 1 80 c0000207-80.addr.svc.example.", srv.getSection(Section.ANSWER).get(0).rdataToString());
        assertEquals(Rcode.REFUSED, respond(r, "api.service.muster.", Type.A, Transport.UDP).getRcode());
    }

    /**
     * A member restarted from disk holds only its snapshot until it has replayed its log: DNS must not answer from
     * it (the fault suite's stale reads went from index 127 back to 0 that way over HTTP), but SERVFAIL, so that a
     * resolver asks another server; outside the zone it still refuses.
     */
    @Test
    void aMemberCatchingUpAfterARestartAnswersServfailUntilCaughtUp() throws Exception {
        register("api", "a1", "192.0.2.7", Map.of());
        boolean[] caughtUp = {false};
        var metrics = new SimpleMeterRegistry();
        DnsResponder r = new DnsResponder(new DnsAnswers(catalog, new DnsNames("muster."), 0, Optional.empty(),
                service -> true, () -> caughtUp[0]), new DnsMetrics(metrics));
        for (int type : new int[] {Type.A, Type.SRV, Type.SOA, Type.NS}) {
            var m = respond(r, "api.service.muster.", type, Transport.UDP);
            assertEquals(Rcode.SERVFAIL, m.getRcode(), Type.string(type));
            assertEquals(0, m.getSection(Section.ANSWER).size());
        }
        assertEquals(Rcode.SERVFAIL, respond(r, "muster.", Type.SOA, Transport.TCP).getRcode());
        assertEquals(Rcode.REFUSED, respond(r, "api.service.example.", Type.A, Transport.UDP).getRcode());
        assertEquals(5, metrics.get("muster_dns_queries").tag("rcode", "SERVFAIL").counters().stream()
                .mapToDouble(c -> c.count()).sum());

        caughtUp[0] = true;
        var m = respond(r, "api.service.muster.", Type.A, Transport.UDP);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals("192.0.2.7", m.getSection(Section.ANSWER).get(0).rdataToString());
    }

    @Test
    void metadataTooLargeForUdpIsTruncatedToNothingAndWholeOverTcp() throws Exception {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            metadata.put("key" + i, "v".repeat(300));
        }
        metadata.put("quote", "a\\b\"c=d é");
        register("meta", "m1", "10.9.0.1", metadata);
        DnsResponder r = responder("muster.", 0);

        var udp = respond(r, "meta.service.muster.", Type.TXT, Transport.UDP);
        assertTrue(udp.getHeader().getFlag(Flags.TC));
        assertEquals(0, udp.getSection(Section.ANSWER).size());

        var tcp = respond(r, "meta.service.muster.", Type.TXT, Transport.TCP);
        assertFalse(tcp.getHeader().getFlag(Flags.TC));
        List<String> strings = ((TXTRecord) tcp.getSection(Section.ANSWER).get(0)).getStrings();
        // Each pair is over 255 bytes, so it spans two strings; the odd characters arrive as sent, in UTF-8.
        assertEquals(129, strings.size());
        var bytes = ((TXTRecord) tcp.getSection(Section.ANSWER).get(0)).getStringsAsByteArrays();
        assertTrue(bytes.stream().anyMatch(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)
                .equals("quote=a\\b\"c=d é")));
    }

    @Test
    void answersLargerThanATcpMessageAreTruncatedToo() throws Exception {
        for (int i = 0; i < 5000; i++) {
            register("huge", "h" + i, "10.8." + (i / 256) + "." + (i % 256), Map.of());
        }
        var m = respond(responder("muster.", 0), "huge.service.muster.", Type.SRV, Transport.TCP);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertTrue(m.getSection(Section.ANSWER).size() > 1000);
    }

    @Test
    void thirtyThousandRandomAndMutatedMessagesGetAReadableAnswerOrNone() throws Exception {
        register("fuzz", "z1", "10.5.0.1", Map.of("k", "v"));
        register("fuzz", "z2", "fd00::5", Map.of());
        register("fuzz", "z3", "db.example.com", Map.of());
        DnsResponder r = responder("muster.", 0);
        List<byte[]> seeds = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA, Type.SRV, Type.TXT, Type.MX}) {
            var q = DnsFixture.query("fuzz.service.muster.", type);
            seeds.add(q.toWire());
            q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            seeds.add(q.toWire());
        }
        Random random = new Random(20260505L);
        int answered = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] p = random.nextBoolean() ? DnsFuzzTest.randomPacket(random)
                    : DnsFuzzTest.mutate(random, seeds.get(random.nextInt(seeds.size())));
            Transport t = random.nextInt(4) == 0 ? Transport.TCP : Transport.UDP;
            Optional<byte[]> out = r.respond(p, t);
            if (out.isPresent()) {
                var m = new org.xbill.DNS.Message(out.get());
                assertNotEquals(Rcode.SERVFAIL, m.getRcode(), "case " + i + " hit an exception");
                assertTrue(out.get().length <= (t == Transport.TCP ? DnsResponder.TCP_MAX : DnsResponder.UDP_MAX));
                answered++;
            }
        }
        assertTrue(answered > 10_000, answered + " answered");
    }
}
