package io.muster.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The check address policy (design rule 19): every refused range, embedded IPv4 forms, members' ports, names. */
class AddressPolicyTest {
    private static final AddressPolicy STRICT = new AddressPolicy(List.of(),
            () -> List.of(new AddressPolicy.MemberPort("0.0.0.0", 8700), new AddressPolicy.MemberPort("10.0.0.7", 8701)),
            () -> Set.of(ip("192.168.1.5")));

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByAddress(io.netty.util.NetUtil.createByteArrayFromIpAddressString(s));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean refused(AddressPolicy p, String address, int port) {
        return p.refusal(ip(address), port).isPresent();
    }

    @Test
    void loopbackLinkLocalMetadataAndThisHostAreRefused() {
        for (String a : List.of("127.0.0.1", "127.255.1.2", "::1", "169.254.169.254", "169.254.0.1", "fe80::1",
                "febf::1", "0.0.0.0", "::", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")) {
            assertTrue(refused(STRICT, a, 80), a);
        }
    }

    @Test
    void ordinaryAddressesPass() {
        for (String a : List.of("10.1.2.3", "192.168.1.9", "8.8.8.8", "2001:db8::1", "fec0::1", "128.0.0.1", "169.255.0.1")) {
            assertFalse(refused(STRICT, a, 80), a);
        }
    }

    @Test
    void ipv6FormsEmbeddingARefusedIpv4AreRefused() {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 127;
        mapped[15] = 1;
        assertTrue(STRICT.refusal(inet6(mapped), 80).isPresent(), "::ffff:127.0.0.1 as a true IPv6 address");
        assertTrue(refused(STRICT, "::ffff:169.254.169.254", 80));
        assertTrue(refused(STRICT, "::127.0.0.1", 80), "IPv4-compatible");
        assertTrue(refused(STRICT, "64:ff9b::a9fe:a9fe", 80), "NAT64 of 169.254.169.254");
        assertTrue(refused(STRICT, "2002:7f00:1::", 80), "6to4 of 127.0.0.1");
        assertFalse(refused(STRICT, "::ffff:10.0.0.1", 80));
    }

    private static InetAddress inet6(byte[] raw) {
        try {
            return java.net.Inet6Address.getByAddress(null, raw, -1);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void checkAllowNamesRangesIncludingTheirMappedForms() {
        AddressPolicy p = AddressPolicy.allowing(Cidr.parseList("127.0.0.0/8,fe80::/64"));
        assertFalse(refused(p, "127.0.0.1", 80));
        assertFalse(refused(p, "::ffff:127.0.0.1", 80));
        assertFalse(refused(p, "fe80::5", 80));
        assertTrue(refused(p, "fe80:0:0:1::5", 80), "outside the allowed /64");
        assertTrue(refused(p, "169.254.169.254", 80));
        assertTrue(refused(p, "::1", 80), "allowing IPv4 loopback does not allow ::1");
    }

    @Test
    void membersPortsAreRefusedOnEveryAddressReachingThemEvenWhenAllowed() {
        AddressPolicy p = new AddressPolicy(Cidr.parseList("0.0.0.0/0,::/0"),
                () -> List.of(new AddressPolicy.MemberPort("0.0.0.0", 8700), new AddressPolicy.MemberPort("10.0.0.7", 8701)),
                () -> Set.of(ip("192.168.1.5")));
        assertTrue(refused(p, "127.0.0.1", 8700), "loopback reaches a wildcard-bound member");
        assertTrue(refused(p, "192.168.1.5", 8700), "this host's own address");
        assertTrue(refused(p, "::ffff:127.0.0.1", 8700));
        assertTrue(refused(p, "10.0.0.7", 8701), "another member's Raft port on its address");
        assertTrue(refused(p, "127.0.0.1", 8701), "loopback is this host: any member port is refused there");
        assertFalse(refused(p, "10.0.0.8", 8701), "the same port elsewhere is someone else's");
        assertFalse(refused(p, "127.0.0.1", 9000), "loopback allowed, other ports fine");
    }

    @Test
    void cidrParsingIsStrict() {
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").toString());
        for (String bad : List.of("10.0.0.0/33", "::/129", "example.com/8", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/ 8", "")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
        assertTrue(Cidr.parseList("").isEmpty());
    }

    @Test
    void aNameIsJudgedByEveryAddressItResolvesTo() throws Exception {
        Map<String, List<InetAddress>> names = Map.of(
                "good.example", List.of(ip("10.0.0.1")),
                "sneaky.example", List.of(ip("10.0.0.1"), ip("169.254.169.254")),
                "localhost", List.of(ip("127.0.0.1"), ip("::1")));
        try (CheckTargets t = new CheckTargets(STRICT, host -> {
            List<InetAddress> a = names.get(host);
            if (a == null) {
                throw new java.net.UnknownHostException(host);
            }
            return a;
        }, new SimpleMeterRegistry())) {
            var good = t.atRegistration(new CheckTargets.Target("good.example", 80)).get(10, TimeUnit.SECONDS);
            assertEquals(ip("10.0.0.1"), assertInstanceOf(CheckTargets.Verdict.Allowed.class, good).address().getAddress());
            assertInstanceOf(CheckTargets.Verdict.Refused.class, t.atRegistration(new CheckTargets.Target("sneaky.example", 80)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(CheckTargets.Verdict.Refused.class, t.atProbe(new CheckTargets.Target("localhost", 80)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(CheckTargets.Verdict.Unresolved.class, t.atProbe(new CheckTargets.Target("nowhere.example", 80)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(CheckTargets.Verdict.Refused.class, t.atRegistration(new CheckTargets.Target("::1", 80)).get(10, TimeUnit.SECONDS),
                    "a literal needs no resolver");
        }
    }

    @Test
    void targetsAreTakenFromTheCheckWithDefaultPorts() {
        var http = new io.muster.store.model.Check.Http("https://[::1]/x", java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1), null);
        assertEquals(new CheckTargets.Target("::1", 443), CheckTargets.target(http).orElseThrow());
        var tcp = new io.muster.store.model.Check.Tcp("db.internal:5432", java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1), null);
        assertEquals(new CheckTargets.Target("db.internal", 5432), CheckTargets.target(tcp).orElseThrow());
    }
}
