package io.muster.server.dns;

import io.muster.store.model.Instance;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A service as DNS sees it, derived from one immutable {@link ServiceEntry}: the passing instances ready to
 * answer with, and every tag any instance carries (a tag name exists while some instance has it, passing or
 * not, so an outage reads as "no data" rather than "no such name").
 */
record ServiceRecords(ServiceEntry entry, List<Endpoint> passing, Set<String> tags) {

    /** A TXT character-string holds at most 255 bytes; a longer {@code key=value} continues in the next one. */
    private static final int TXT_STRING_MAX = 255;

    static ServiceRecords of(ServiceEntry entry, DnsNames names) {
        List<Endpoint> passing = new ArrayList<>();
        Set<String> tags = new HashSet<>();
        for (Instance i : entry.instances().values()) {
            tags.addAll(i.tags());
            if (i.status() == Status.PASSING) {
                endpoint(i, names).ifPresent(passing::add);
            }
        }
        return new ServiceRecords(entry, List.copyOf(passing), Set.copyOf(tags));
    }

    boolean exists() {
        return !entry.instances().isEmpty();
    }

    private static Optional<Endpoint> endpoint(Instance i, DnsNames names) {
        String a = i.address();
        // Literal parsing only: a host name must never trigger a lookup on the event loop.
        byte[] bytes = a.indexOf(':') >= 0 ? Address.toByteArray(a, Address.IPv6) : Address.toByteArray(a, Address.IPv4);
        Name target;
        if (bytes != null) {
            target = names.addressName(bytes, i.port());
        } else {
            try {
                target = Name.fromString(a.endsWith(".") ? a : a + ".");
                bytes = new byte[0];
            } catch (TextParseException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new Endpoint(bytes, target, i.port(), i.weight(), i.tags(), txt(i.metadata())));
    }

    /** TXT rdata, built as bytes: dnsjava's string form would read backslashes as escapes and use the platform charset. */
    private static byte[] txt(Map<String, String> metadata) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new TreeMap<>(metadata).forEach((k, v) -> {
            byte[] pair = (k + "=" + v).getBytes(StandardCharsets.UTF_8);
            for (int from = 0; from < pair.length; from += TXT_STRING_MAX) {
                int len = Math.min(TXT_STRING_MAX, pair.length - from);
                out.write(len);
                out.write(pair, from, len);
            }
        });
        return out.toByteArray();
    }
}
