package io.muster.server.dns;

import static io.muster.server.dns.DnsFixture.answerData;
import static io.muster.server.dns.DnsFixture.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Every row of the contract's DNS table, asked with dnsjava's SimpleResolver of a follower of a real cluster.
 * Service {@code web} holds two passing IPv4 instances (one tagged primary), a passing IPv6 one (tagged
 * primary), a passing host-name one, and a critical and a warning one that must never appear.
 */
@ExtendWith(DnsFixture.Extension.class)
class DnsContractTest {
    private static DnsFixture dns;

    @BeforeAll
    static void registerWeb(DnsFixture fixture) {
        dns = fixture;
        dns.register("web", "w1", """
                {"address":"10.0.0.1","port":8080,"tags":["primary"],"metadata":{"version":"2.1.0","zone":"a"},"weight":10}""");
        dns.register("web", "w2", """
                {"address":"10.0.0.2","port":8081,"metadata":{"version":"2.0.0"},"weight":5}""");
        dns.register("web", "w3", """
                {"address":"fd00::3","port":8082,"tags":["primary"]}""");
        dns.register("web", "w4", """
                {"address":"app.example.com","port":8083,"weight":2}""");
        dns.register("web", "w5", """
                {"address":"10.0.0.5","port":8085,"tags":["primary"],"check":{"ttl":"60s"}}""");
        dns.register("web", "w6", """
                {"address":"10.0.0.6","port":8086,"check":{"ttl":"60s"}}""");
        dns.heartbeat("web", "w5", "critical");
        dns.heartbeat("web", "w6", "warning");
        dns.awaitAnswer("web.service.muster.", Type.A, m -> answerData(m).equals(List.of("10.0.0.1", "10.0.0.2")));
    }

    @Test
    void aListsPassingIpv4InstancesAuthoritatively() {
        var m = dns.ask("web.service.muster.", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), answerData(m));
        m.getSection(Section.ANSWER).forEach(r -> assertEquals(0, r.getTTL(), "default TTL"));
    }

    @Test
    void aaaaListsPassingIpv6Instances() {
        assertEquals(List.of("fd00:0:0:0:0:0:0:3"), answerData(dns.ask("web.service.muster.", Type.AAAA)));
    }

    @Test
    void tagNameNarrowsToTaggedInstances() {
        assertEquals(List.of("10.0.0.1"), answerData(dns.ask("primary.web.service.muster.", Type.A)));
        assertEquals(List.of("fd00:0:0:0:0:0:0:3"), answerData(dns.ask("primary.web.service.muster.", Type.AAAA)));
        assertEquals(2, dns.ask("primary.web.service.muster.", Type.SRV).getSection(Section.ANSWER).size());
    }

    @Test
    void srvAnswersBothNameFormsWithTargetAddressesInAdditional() throws Exception {
        for (String name : List.of("web.service.muster.", "_web._tcp.service.muster.")) {
            var m = dns.ask(name, Type.SRV);
            assertEquals(Rcode.NOERROR, m.getRcode(), name);
            Set<String> srv = m.getSection(Section.ANSWER).stream().map(r -> (SRVRecord) r)
                    .map(r -> r.getPriority() + " " + r.getWeight() + " " + r.getPort() + " " + r.getTarget())
                    .collect(Collectors.toSet());
            assertEquals(Set.of(
                    "1 10 8080 0a000001-8080.addr.muster.",
                    "1 5 8081 0a000002-8081.addr.muster.",
                    "1 1 8082 fd000000000000000000000000000003-8082.addr.muster.",
                    "1 2 8083 app.example.com."), srv, name);
            Set<String> additional = m.getSection(Section.ADDITIONAL).stream()
                    .filter(r -> r.getType() == Type.A || r.getType() == Type.AAAA)
                    .map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString())
                    .collect(Collectors.toSet());
            assertEquals(Set.of(
                    "0a000001-8080.addr.muster. A 10.0.0.1",
                    "0a000002-8081.addr.muster. A 10.0.0.2",
                    "fd000000000000000000000000000003-8082.addr.muster. AAAA fd00:0:0:0:0:0:0:3"), additional, name);
        }
    }

    @Test
    void srvTargetNamesResolveToTheirAddresses() {
        assertEquals(List.of("10.0.0.1"), answerData(dns.ask("0A000001.addr.muster.", Type.A)));
        assertEquals(List.of("fd00:0:0:0:0:0:0:3"),
                answerData(dns.ask("fd000000000000000000000000000003.addr.muster.", Type.AAAA)));
        var wrongFamily = dns.ask("0a000001.addr.muster.", Type.AAAA);
        assertEquals(Rcode.NOERROR, wrongFamily.getRcode());
        assertEquals(0, wrongFamily.getSection(Section.ANSWER).size());
        assertEquals(Rcode.NXDOMAIN, dns.ask("0a00001.addr.muster.", Type.A).getRcode());
    }

    @Test
    void perEndpointTargetNamesResolveToTheirAddresses() {
        assertEquals(List.of("10.0.0.1"), answerData(dns.ask("0A000001-8080.addr.muster.", Type.A)));
        assertEquals(List.of("fd00:0:0:0:0:0:0:3"),
                answerData(dns.ask("fd000000000000000000000000000003-8082.addr.muster.", Type.AAAA)));
        for (String bad : List.of("0a000001-.addr.muster.", "0a000001-0.addr.muster.", "0a000001-08080.addr.muster.",
                "0a000001-65536.addr.muster.", "0a000001-80-80.addr.muster.", "0a000001-+80.addr.muster.",
                "0a000001-999999.addr.muster.", "-8080.addr.muster.", "x.0a000001-8080.addr.muster.")) {
            assertEquals(Rcode.NXDOMAIN, dns.ask(bad, Type.A).getRcode(), bad);
        }
    }

    @Test
    void instancesSharingAnAddressGetOneTargetEach() {
        for (int port : List.of(9001, 9002, 9003)) {
            dns.register("shared", "s" + port, "{\"address\":\"10.0.0.9\",\"port\":" + port + "}");
        }
        dns.awaitAnswer("shared.service.muster.", Type.SRV, m -> m.getSection(Section.ANSWER).size() == 3);
        var m = dns.ask("shared.service.muster.", Type.SRV);
        Set<String> targets = m.getSection(Section.ANSWER).stream().map(r -> ((SRVRecord) r).getTarget().toString())
                .collect(Collectors.toSet());
        assertEquals(Set.of("0a000009-9001.addr.muster.", "0a000009-9002.addr.muster.", "0a000009-9003.addr.muster."),
                targets);
        assertEquals(3, m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).count());
    }

    @Test
    void txtCarriesMetadataOfPassingInstances() {
        var m = dns.ask("web.service.muster.", Type.TXT);
        Set<List<String>> txt = m.getSection(Section.ANSWER).stream().map(r -> ((TXTRecord) r).getStrings())
                .collect(Collectors.toSet());
        assertEquals(Set.of(List.of("version=2.1.0", "zone=a"), List.of("version=2.0.0")), txt);
    }

    @Test
    void namesMatchWhateverTheirCaseAndTheQuestionIsEchoed() {
        var m = dns.ask("WEB.Service.MUSTER.", Type.A);
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), answerData(m));
        assertEquals("WEB.Service.MUSTER.", m.getQuestion().getName().toString());
        assertEquals(List.of("10.0.0.1"), answerData(dns.ask("Primary.Web.Service.Muster.", Type.A)));
    }

    @Test
    void answersComeInRandomOrder() {
        Set<List<String>> orders = new HashSet<>();
        for (int i = 0; i < 40 && orders.size() < 2; i++) {
            orders.add(dns.ask("web.service.muster.", Type.SRV).getSection(Section.ANSWER).stream()
                    .map(Record::rdataToString).toList());
        }
        // Four records: forty queries all in one order would happen with probability 24^-39.
        assertEquals(2, orders.size());
    }

    @Test
    void unknownNamesAreNxdomainWithSoa() {
        for (String name : List.of("nosuch.service.muster.", "nosuchtag.web.service.muster.", "what.muster.",
                "a.b.c.web.service.muster.", "_web._udp.service.muster.")) {
            var m = dns.ask(name, Type.A);
            assertEquals(Rcode.NXDOMAIN, m.getRcode(), name);
            assertTrue(m.getHeader().getFlag(Flags.AA), name);
            assertEquals(0, m.getSection(Section.ANSWER).size(), name);
            var soa = m.getSection(Section.AUTHORITY);
            assertEquals(1, soa.size(), name);
            assertEquals(Name.fromConstantString("muster."), soa.get(0).getName());
            assertTrue(soa.get(0) instanceof SOARecord, name);
        }
    }

    @Test
    void unsupportedTypeOnKnownNameIsEmptyNoerror() {
        for (int type : new int[] {Type.MX, Type.CNAME, Type.PTR, Type.ANY, Type.CAA}) {
            var m = dns.ask("web.service.muster.", type);
            assertEquals(Rcode.NOERROR, m.getRcode(), Type.string(type));
            assertEquals(0, m.getSection(Section.ANSWER).size(), Type.string(type));
            assertTrue(m.getSection(Section.AUTHORITY).get(0) instanceof SOARecord, "negative-caching SOA");
        }
    }

    @Test
    void apexAnswersSoaAndNs() {
        var soa = dns.ask("muster.", Type.SOA);
        assertEquals(1, soa.getSection(Section.ANSWER).size());
        SOARecord r = (SOARecord) soa.getSection(Section.ANSWER).get(0);
        assertEquals(Name.fromConstantString("ns.muster."), r.getHost());
        assertEquals(Name.fromConstantString("hostmaster.muster."), r.getAdmin());
        assertTrue(r.getSerial() > 0, "serial follows the catalog's change index");

        var ns = dns.ask("muster.", Type.NS);
        assertEquals(Name.fromConstantString("ns.muster."), ((NSRecord) ns.getSection(Section.ANSWER).get(0)).getTarget());
        assertEquals(List.of("127.0.0.1"), ns.getSection(Section.ADDITIONAL).stream()
                .filter(x -> x instanceof ARecord).map(Record::rdataToString).toList());
        assertEquals(List.of("127.0.0.1"), answerData(dns.ask("ns.muster.", Type.A)));
    }

    @Test
    void namesOutsideTheDomainAreRefused() {
        var m = dns.ask("example.com.", Type.A);
        assertEquals(Rcode.REFUSED, m.getRcode());
        assertTrue(!m.getHeader().getFlag(Flags.AA));
    }

    @Test
    void tcpGivesTheSameAnswers() {
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), answerData(ask(dns.tcp(), "web.service.muster.", Type.A)));
        assertEquals(4, ask(dns.tcp(), "_web._tcp.service.muster.", Type.SRV).getSection(Section.ANSWER).size());
        assertEquals(Rcode.NXDOMAIN, ask(dns.tcp(), "nosuch.service.muster.", Type.A).getRcode());
    }

    @Test
    void queriesAreCountedByTransportTypeAndRcode() {
        dns.ask("web.service.muster.", Type.A);
        dns.ask("nosuch.service.muster.", Type.SRV);
        String scrape = dns.cluster().server(dns.member()).meters().scrape();
        assertTrue(scrape.contains("muster_dns_queries_total{rcode=\"NOERROR\",transport=\"udp\",type=\"A\"}"), scrape);
        assertTrue(scrape.contains("muster_dns_queries_total{rcode=\"NXDOMAIN\",transport=\"udp\",type=\"SRV\"}"), scrape);
    }
}
