package io.muster.server.check;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An address range, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a range of one. */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        network = network.clone();
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of range");
        }
        // Normalise: bits past the prefix are zero, so equal ranges are equal and contains() can compare whole bytes.
        for (int bit = prefix; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    /** Parses {@code ADDRESS[/PREFIX]}; the address must be a literal (no name is ever looked up). */
    public static Cidr parse(String s) {
        String text = s.trim();
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address range: " + s);
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("bad prefix length in " + s);
            }
            prefix = Integer.parseInt(p);
            if (prefix > bytes.length * 8) {
                throw new IllegalArgumentException("prefix length of " + s + " exceeds " + bytes.length * 8);
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** Parses a comma-separated list; empty means none. */
    public static List<Cidr> parseList(String s) {
        List<Cidr> list = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                list.add(parse(part));
            }
        }
        return List.copyOf(list);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** Whether the raw address (4 or 16 bytes) lies in this range; an IPv4 range never holds an IPv6 address. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & 0xFF);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
