package io.muster.server.dns;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * One passing instance, read once per catalog change into what answers need.
 *
 * @param address 4 bytes (IPv4), 16 bytes (IPv6), or empty for an instance registered with a host name
 * @param target  the SRV target: the {@code addr} name for an IP and port, else the host name itself
 * @param txt     TXT rdata: the instance's metadata as {@code key=value} strings sorted by key; empty if none
 */
record Endpoint(byte[] address, Name target, int port, int weight, List<String> tags, byte[] txt) {

    boolean isIpv4() {
        return address.length == 4;
    }

    boolean isIpv6() {
        return address.length == 16;
    }
}
