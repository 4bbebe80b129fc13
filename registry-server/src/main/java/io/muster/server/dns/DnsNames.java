package io.muster.server.dns;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The names served under the domain (default {@code muster.}):
 *
 * <pre>
 *   &lt;service&gt;.service.&lt;domain&gt;         the service's passing instances
 *   &lt;tag&gt;.&lt;service&gt;.service.&lt;domain&gt;   the same, only those carrying the tag
 *   _&lt;service&gt;._tcp.service.&lt;domain&gt;    the service, in RFC 2782 form
 *   &lt;hex&gt;-&lt;port&gt;.addr.&lt;domain&gt;        SRV target of an IP instance: its address in hex (8 or 32 digits)
 *                                      and its port, so each endpoint has a name of its own
 *   &lt;hex&gt;.addr.&lt;domain&gt;               the address alone (the earlier target form, still answered)
 *   ns.&lt;domain&gt;                       the name server named in SOA and NS
 * </pre>
 *
 * Matching ignores case. An SRV target spells its address and port rather than naming the instance, so it
 * answers without a catalog lookup and cannot collide (instance ids allow characters and lengths that DNS labels
 * do not). The port is in the name because balancers key their servers by target name: HAProxy 2.6's
 * {@code server-template} kept only two of three instances that shared one address, and so one target.
 */
final class DnsNames {
    private static final HexFormat HEX = HexFormat.of();

    private final Name domain;
    private final Name nameServer;
    private final Name hostmaster;

    DnsNames(String domain) {
        try {
            this.domain = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
            this.nameServer = Name.fromString("ns", this.domain);
            this.hostmaster = Name.fromString("hostmaster", this.domain);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS domain: " + domain, e);
        }
    }

    Name domain() {
        return domain;
    }

    Name nameServer() {
        return nameServer;
    }

    Name hostmaster() {
        return hostmaster;
    }

    QueryName classify(Name name) {
        if (!name.isAbsolute() || !name.subdomain(domain)) {
            return QueryName.OUT_OF_ZONE;
        }
        int n = name.labels() - domain.labels();
        if (n == 0) {
            return QueryName.APEX;
        }
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            labels[i] = name.getLabelString(i).toLowerCase(Locale.ROOT);
        }
        return switch (labels[n - 1]) {
            case "service" -> service(labels);
            case "addr" -> address(labels);
            case "ns" -> n == 1 ? QueryName.NAME_SERVER : QueryName.UNKNOWN;
            default -> QueryName.UNKNOWN;
        };
    }

    /** The SRV target for an instance registered with this IPv4 or IPv6 address and port. */
    Name addressName(byte[] address, int port) {
        try {
            return Name.fromString(HEX.formatHex(address) + "-" + port + ".addr", domain);
        } catch (TextParseException e) {
            throw new IllegalStateException("hex is always a valid label", e);
        }
    }

    private static QueryName service(String[] labels) {
        return switch (labels.length) {
            case 1 -> QueryName.EMPTY_NON_TERMINAL;
            case 2 -> new QueryName.Service(labels[0], Optional.empty());
            case 3 -> {
                if (labels[1].equals("_tcp") && labels[0].startsWith("_")) {
                    yield new QueryName.Service(labels[0].substring(1), Optional.empty());
                }
                yield new QueryName.Service(labels[1], Optional.of(labels[0]));
            }
            default -> QueryName.UNKNOWN;
        };
    }

    private static QueryName address(String[] labels) {
        if (labels.length == 1) {
            return QueryName.EMPTY_NON_TERMINAL;
        }
        if (labels.length != 2) {
            return QueryName.UNKNOWN;
        }
        String hex = labels[0];
        int dash = hex.indexOf('-');
        if (dash >= 0) {
            if (!isPort(hex.substring(dash + 1))) {
                return QueryName.UNKNOWN;
            }
            hex = hex.substring(0, dash);
        }
        if (hex.length() != 8 && hex.length() != 32) {
            return QueryName.UNKNOWN;
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return QueryName.UNKNOWN;
            }
        }
        return new QueryName.Address(HEX.parseHex(hex));
    }

    /** 1-65535 in plain decimal: no sign, no leading zero, so each endpoint has exactly one name. */
    private static boolean isPort(String digits) {
        if (digits.isEmpty() || digits.length() > 5 || digits.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(digits) <= 65535;
    }
}
