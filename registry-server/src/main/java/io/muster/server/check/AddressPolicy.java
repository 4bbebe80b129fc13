package io.muster.server.check;

import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which addresses an active check may reach (design rule 19): never loopback, link-local or a cloud metadata
 * address unless {@code --check-allow} names a range holding it, and never a port of a registry member on an
 * address that reaches it. A check is a request the registry makes on a client's behalf; without this it is a
 * server-side request forgery (a check on {@code http://169.254.169.254/...} reads a cloud host's credentials)
 * and a port scanner of the members' own network.
 *
 * <p>An IPv6 address that embeds an IPv4 one (mapped {@code ::ffff:a.b.c.d}, compatible {@code ::a.b.c.d},
 * NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:aabb:ccdd::}) is judged as the IPv4 address it reaches.
 *
 * <p>Members' ports are refused whatever {@code --check-allow} says: the registry watches itself through
 * {@code /health/ready}, and a check on its own Raft or HTTP port is never a service's health. Thread-safe.
 */
public final class AddressPolicy {
    /** Refused unless allowed: loopback, "this host", link-local and the metadata addresses clouds serve. */
    static final List<Cidr> REFUSED = List.of(
            Cidr.parse("127.0.0.0/8"),
            Cidr.parse("0.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"),
            Cidr.parse("100.100.100.200/32"),   // Alibaba Cloud metadata
            Cidr.parse("192.0.0.192/32"),       // Oracle Cloud metadata
            Cidr.parse("::1/128"),
            Cidr.parse("::/128"),
            Cidr.parse("fe80::/10"),
            Cidr.parse("fd00:ec2::254/128"));   // AWS metadata over IPv6

    private final List<Cidr> allowed;
    private final Supplier<Collection<MemberPort>> memberPorts;
    private final Supplier<Set<InetAddress>> localAddresses;

    /** A port a member listens on, with the host it was given as (a literal or a name). */
    public record MemberPort(String host, int port) {
    }

    /**
     * @param allowed ranges {@code --check-allow} names
     * @param memberPorts every member's HTTP, Raft and DNS listen or advertised addresses, current
     * @param localAddresses this host's own interface addresses (a member bound to a wildcard answers on each)
     */
    public AddressPolicy(List<Cidr> allowed, Supplier<Collection<MemberPort>> memberPorts, Supplier<Set<InetAddress>> localAddresses) {
        this.allowed = List.copyOf(allowed);
        this.memberPorts = memberPorts;
        this.localAddresses = localAddresses;
    }

    /** A policy with no members to protect (probe tests). */
    public static AddressPolicy allowing(List<Cidr> allowed) {
        return new AddressPolicy(allowed, List::of, Set::of);
    }

    /** Why a connection to {@code address:port} is refused, or empty when it may be made. */
    public Optional<String> refusal(InetAddress address, int port) {
        byte[] raw = effective(address.getAddress());
        for (MemberPort m : memberPorts.get()) {
            if (m.port() == port && reachesMember(raw, m.host())) {
                return Optional.of(address.getHostAddress() + ":" + port + " is a port of a registry member");
            }
        }
        for (Cidr range : REFUSED) {
            if (range.contains(raw) && allowed.stream().noneMatch(a -> a.contains(raw) || a.contains(address))) {
                return Optional.of(address.getHostAddress() + " is in " + range + " (" + kind(raw)
                        + "), which checks may not reach unless --check-allow names it");
            }
        }
        return Optional.empty();
    }

    /** "This host" reaches every member listening here; any other address reaches the member given as it. */
    private boolean reachesMember(byte[] raw, String memberHost) {
        if (isThisHost(raw)) {
            return true;
        }
        byte[] member = io.netty.util.NetUtil.createByteArrayFromIpAddressString(stripBrackets(memberHost));
        if (member == null) {
            // A member named by host name: compare without a lookup (never on this path), by this host's addresses.
            return false;
        }
        member = effective(member);
        return java.util.Arrays.equals(member, raw) || isUnspecified(member) && isLocal(raw);
    }

    private boolean isThisHost(byte[] raw) {
        return isUnspecified(raw) || isLoopback(raw) || isLocal(raw);
    }

    private boolean isLocal(byte[] raw) {
        for (InetAddress a : localAddresses.get()) {
            if (java.util.Arrays.equals(effective(a.getAddress()), raw)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopback(byte[] raw) {
        return REFUSED.get(0).contains(raw) || REFUSED.get(5).contains(raw);
    }

    private static boolean isUnspecified(byte[] raw) {
        return REFUSED.get(1).contains(raw) || REFUSED.get(6).contains(raw);
    }

    private static String kind(byte[] raw) {
        if (isLoopback(raw)) {
            return "loopback";
        }
        if (isUnspecified(raw)) {
            return "this host";
        }
        if (REFUSED.get(2).contains(raw) || REFUSED.get(7).contains(raw)) {
            return "link-local, where cloud metadata lives";
        }
        return "a cloud metadata address";
    }

    static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The IPv4 address an IPv6 one embeds (mapped, compatible, NAT64, 6to4), else the address itself. */
    static byte[] effective(byte[] raw) {
        if (raw.length != 16) {
            return raw;
        }
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= raw[i] == 0;
        }
        boolean mapped = zero80 && raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF;
        boolean compatible = zero80 && raw[10] == 0 && raw[11] == 0 && !(raw[12] == 0 && raw[13] == 0 && raw[14] == 0 && (raw[15] == 0 || raw[15] == 1));
        boolean nat64 = raw[0] == 0x00 && raw[1] == 0x64 && raw[2] == (byte) 0xFF && raw[3] == (byte) 0x9B && allZero(raw, 4, 12);
        if (mapped || compatible || nat64) {
            return java.util.Arrays.copyOfRange(raw, 12, 16);
        }
        if (raw[0] == 0x20 && raw[1] == 0x02) {
            return java.util.Arrays.copyOfRange(raw, 2, 6);
        }
        return raw;
    }

    private static boolean allZero(byte[] raw, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
