package io.muster.server.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Every DNS meter, in one place. Tag values come from short fixed lists (a query can carry any of 65536 types;
 * the rare ones share {@code OTHER}), so a hostile client cannot grow the number of series.
 *
 * <ul>
 *   <li>{@code muster_dns_queries{transport,type,rcode}}: questions answered</li>
 *   <li>{@code muster_dns_truncated{transport}}: answers cut down to fit, with TC set</li>
 *   <li>{@code muster_dns_dropped{transport}}: packets not answered (too short, or a response rather than a query)</li>
 *   <li>{@code muster_dns_tcp_connections}: open TCP connections; {@code muster_dns_tcp_refused}: over the limit</li>
 * </ul>
 */
final class DnsMetrics {
    /** {@link #NONE} is the type of a message whose question could not be read. */
    static final int NONE = -1;

    private static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.TXT, Type.SOA, Type.NS, Type.ANY};
    private static final int[] RCODES = {Rcode.NOERROR, Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NXDOMAIN, Rcode.NOTIMP,
        Rcode.REFUSED, Rcode.BADVERS};
    private static final int TYPE_SLOTS = TYPES.length + 2;
    private static final int RCODE_SLOTS = RCODES.length + 1;

    private final MeterRegistry registry;
    private final AtomicReferenceArray<Counter> queries =
            new AtomicReferenceArray<>(Transport.values().length * TYPE_SLOTS * RCODE_SLOTS);
    private final Counter[] truncated = new Counter[Transport.values().length];
    private final Counter[] dropped = new Counter[Transport.values().length];
    private final Counter tcpRefused;
    private final AtomicInteger tcpConnections = new AtomicInteger();

    DnsMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Transport t : Transport.values()) {
            truncated[t.ordinal()] = Counter.builder("muster_dns_truncated").tag("transport", t.tag)
                    .description("DNS answers truncated to fit, with TC set").register(registry);
            dropped[t.ordinal()] = Counter.builder("muster_dns_dropped").tag("transport", t.tag)
                    .description("DNS packets left unanswered").register(registry);
        }
        tcpRefused = Counter.builder("muster_dns_tcp_refused")
                .description("DNS TCP connections closed at once because too many were open").register(registry);
        Gauge.builder("muster_dns_tcp_connections", tcpConnections, AtomicInteger::get)
                .description("open DNS TCP connections").register(registry);
    }

    void query(Transport transport, int type, int rcode) {
        int typeSlot = slot(TYPES, type, type == NONE ? TYPES.length + 1 : TYPES.length);
        int rcodeSlot = slot(RCODES, rcode, RCODES.length);
        int i = (transport.ordinal() * TYPE_SLOTS + typeSlot) * RCODE_SLOTS + rcodeSlot;
        Counter c = queries.get(i);
        if (c == null) {
            // Registering is idempotent, so a race here only registers the same counter twice.
            c = Counter.builder("muster_dns_queries")
                    .tag("transport", transport.tag)
                    .tag("type", typeSlot < TYPES.length ? Type.string(type) : typeSlot == TYPES.length ? "OTHER" : "NONE")
                    .tag("rcode", rcodeSlot < RCODES.length ? Rcode.string(rcode) : "OTHER")
                    .description("DNS questions answered, by type and response code")
                    .register(registry);
            queries.set(i, c);
        }
        c.increment();
    }

    void truncated(Transport transport) {
        truncated[transport.ordinal()].increment();
    }

    void dropped(Transport transport) {
        dropped[transport.ordinal()].increment();
    }

    AtomicInteger tcpConnections() {
        return tcpConnections;
    }

    void tcpRefused() {
        tcpRefused.increment();
    }

    private static int slot(int[] values, int value, int otherwise) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return otherwise;
    }
}
