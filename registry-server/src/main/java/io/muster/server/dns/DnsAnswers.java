package io.muster.server.dns;

import io.muster.store.catalog.CatalogView;
import io.muster.store.model.ServiceEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * Answers a question from this node's own catalog (a stale read, design rule 9: DNS keeps answering without a
 * leader). Reads are in-memory and lock-free, so this runs on the event loop; the work per question is bounded
 * by {@code maxRecords}, except for one pass over the matching instances.
 *
 * <p>Thread-safe. The per-service view is cached against the catalog's immutable entry, so it is rebuilt only
 * after the service changes.
 */
final class DnsAnswers {
    private static final long SOA_REFRESH = 3600;
    private static final long SOA_RETRY = 600;
    private static final long SOA_EXPIRE = 86400;

    private final CatalogView catalog;
    private final DnsNames names;
    private final long ttl;
    private final Optional<byte[]> nameServerAddress;
    private final Predicate<String> readable;
    private final BooleanSupplier caughtUp;
    private final ConcurrentHashMap<String, ServiceRecords> views = new ConcurrentHashMap<>();

    /**
     * @param ttl               seconds, for every record (and the SOA minimum, so negative answers age alike)
     * @param nameServerAddress the address {@code ns.<domain>} resolves to, when this node listens on one
     */
    DnsAnswers(CatalogView catalog, DnsNames names, long ttl, Optional<byte[]> nameServerAddress) {
        this(catalog, names, ttl, nameServerAddress, service -> true, () -> true);
    }

    /**
     * @param readable the services a question may see; others answer NXDOMAIN, as if they did not exist
     * @param caughtUp whether this member's catalog is at least as fresh as what it served before a restart; until
     *                 then every question in the zone answers SERVFAIL
     */
    DnsAnswers(CatalogView catalog, DnsNames names, long ttl, Optional<byte[]> nameServerAddress, Predicate<String> readable,
               BooleanSupplier caughtUp) {
        this.readable = readable;
        this.caughtUp = caughtUp;
        this.catalog = catalog;
        this.names = names;
        this.ttl = ttl;
        this.nameServerAddress = nameServerAddress;
    }

    /**
     * @param name       the question's name, as asked: answers echo its case
     * @param maxRecords answers beyond this many could not fit the message anyway
     */
    Answer answer(Name name, int type, int maxRecords) {
        QueryName q = names.classify(name);
        if (q instanceof QueryName.OutOfZone) {
            return Answer.refused();
        }
        if (!caughtUp.getAsBoolean()) {
            // A member restarted from disk starts from its snapshot, older than what it answered before the
            // restart: answering from it would take resolvers back in time (design rule 3). SERVFAIL makes a
            // resolver ask another server, as the HTTP API's 503 makes a client try another member.
            return Answer.servfail();
        }
        if (q instanceof QueryName.Service s) {
            return service(name, type, s, maxRecords);
        }
        if (q instanceof QueryName.Address a) {
            return addressAnswer(name, type, a.bytes());
        }
        if (q instanceof QueryName.Apex) {
            return apex(name, type);
        }
        if (q instanceof QueryName.NameServer) {
            return nameServer(name, type);
        }
        if (q instanceof QueryName.EmptyNonTerminal) {
            return noData();
        }
        return nxDomain();
    }

    private Answer service(Name name, int type, QueryName.Service q, int maxRecords) {
        if (!readable.test(q.service())) {
            return nxDomain();
        }
        Optional<ServiceRecords> view = view(q.service());
        if (view.isEmpty() || !view.get().exists() || q.tag().filter(t -> !view.get().tags().contains(t)).isPresent()) {
            return nxDomain();
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (Endpoint e : view.get().passing()) {
            if (q.tag().isEmpty() || e.tags().contains(q.tag().get())) {
                endpoints.add(e);
            }
        }
        Collections.shuffle(endpoints, ThreadLocalRandom.current());
        // Repeats are dropped (an RRset holds no duplicates): two instances on one address give one A record.
        // The keys are the endpoints' own fields; hashing dnsjava records would render each one to wire format.
        Set<Object> seen = new HashSet<>();
        Set<Name> targets = new HashSet<>();
        List<Record> answer = new ArrayList<>();
        List<Record> additional = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (answer.size() >= maxRecords) {
                break;
            }
            switch (type) {
                case Type.A, Type.AAAA -> {
                    if (seen.add(ByteBuffer.wrap(e.address()))) {
                        addressRecord(name, type, e.address()).ifPresent(answer::add);
                    }
                }
                case Type.SRV -> {
                    if (seen.add(new SrvKey(e.target(), e.port(), e.weight()))) {
                        answer.add(new SRVRecord(name, DClass.IN, ttl, 1, e.weight(), e.port(), e.target()));
                        if (targets.add(e.target())) {
                            addressRecord(e.target(), e.isIpv4() ? Type.A : Type.AAAA, e.address()).ifPresent(additional::add);
                        }
                    }
                }
                case Type.TXT -> {
                    if (e.txt().length > 0 && seen.add(ByteBuffer.wrap(e.txt()))) {
                        answer.add(Record.newRecord(name, Type.TXT, DClass.IN, ttl, e.txt()));
                    }
                }
                default -> {
                    return noData();
                }
            }
        }
        if (answer.isEmpty()) {
            return noData();
        }
        return new Answer(Rcode.NOERROR, true, answer, List.of(), additional);
    }

    private record SrvKey(Name target, int port, int weight) {
    }

    private Optional<ServiceRecords> view(String service) {
        Optional<ServiceEntry> entry = catalog.service(service);
        if (entry.isEmpty()) {
            views.remove(service);
            return Optional.empty();
        }
        ServiceRecords cached = views.get(service);
        if (cached != null && cached.entry() == entry.get()) {
            return Optional.of(cached);
        }
        ServiceRecords fresh = ServiceRecords.of(entry.get(), names);
        views.put(service, fresh);
        return Optional.of(fresh);
    }

    private Answer addressAnswer(Name name, int type, byte[] address) {
        return addressRecord(name, type, address).map(r -> new Answer(Rcode.NOERROR, true, List.of(r), List.of(), List.of()))
                .orElseGet(this::noData);
    }

    private Optional<Record> addressRecord(Name name, int type, byte[] address) {
        if (type == Type.A && address.length == 4) {
            return Optional.of(new ARecord(name, DClass.IN, ttl, address));
        }
        if (type == Type.AAAA && address.length == 16) {
            return Optional.of(new AAAARecord(name, DClass.IN, ttl, address));
        }
        return Optional.empty();
    }

    private Answer apex(Name name, int type) {
        return switch (type) {
            case Type.SOA -> new Answer(Rcode.NOERROR, true, List.of(soa()), List.of(), List.of());
            case Type.NS -> new Answer(Rcode.NOERROR, true, List.of(new NSRecord(name, DClass.IN, ttl, names.nameServer())),
                    List.of(), nameServerAddress.flatMap(a -> addressRecord(names.nameServer(), a.length == 4 ? Type.A : Type.AAAA, a))
                            .stream().toList());
            default -> noData();
        };
    }

    private Answer nameServer(Name name, int type) {
        return nameServerAddress.map(a -> addressAnswer(name, type, a)).orElseGet(this::noData);
    }

    /** NOERROR with no records; the SOA lets resolvers cache the absence (RFC 2308). */
    private Answer noData() {
        return new Answer(Rcode.NOERROR, true, List.of(), List.of(soa()), List.of());
    }

    private Answer nxDomain() {
        return new Answer(Rcode.NXDOMAIN, true, List.of(), List.of(soa()), List.of());
    }

    /** The serial follows the catalog's change index, so it moves exactly when some answer may have. */
    private SOARecord soa() {
        long serial = catalog.changeIndex() & 0xffffffffL;
        return new SOARecord(names.domain(), DClass.IN, ttl, names.nameServer(), names.hostmaster(), serial,
                SOA_REFRESH, SOA_RETRY, SOA_EXPIRE, ttl);
    }
}
