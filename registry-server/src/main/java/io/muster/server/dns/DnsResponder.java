package io.muster.server.dns;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns one query message into one response message, both in wire format; no sockets here. Never throws:
 * anything it cannot read becomes FORMERR when a header can be read, and is dropped otherwise.
 *
 * <p>Size: a UDP answer fits in 512 bytes, or in the EDNS0 payload the client offers (capped at
 * {@value #UDP_MAX}); a TCP answer in 65535. What does not fit loses additional records first (no TC, as
 * RFC 2181 9 says), then answer records, keeping as many whole ones as fit, with TC set and no additional.
 *
 * <p>Thread-safe; called on event-loop threads.
 */
final class DnsResponder {
    static final int UDP_MIN = 512;
    static final int UDP_MAX = 4096;
    static final int TCP_MAX = 65535;
    /** The smallest a record can be on the wire (a compressed owner name and no data); bounds the work per answer. */
    private static final int MIN_RECORD_BYTES = 12;
    /** TC in the third byte of a message's header. */
    private static final int TC_BIT = 0x02;
    private static final Logger LOG = LoggerFactory.getLogger(DnsResponder.class);

    private final DnsAnswers answers;
    private final DnsMetrics metrics;

    DnsResponder(DnsAnswers answers, DnsMetrics metrics) {
        this.answers = answers;
        this.metrics = metrics;
    }

    /** The response to send back, or empty when the packet deserves none. */
    Optional<byte[]> respond(byte[] query, Transport transport) {
        try {
            return answer(query, transport);
        } catch (RuntimeException e) {
            LOG.warn("DNS query failed ({} bytes over {})", query.length, transport.tag, e);
            return headerOnly(query, transport, Rcode.SERVFAIL);
        }
    }

    private Optional<byte[]> answer(byte[] wire, Transport transport) {
        org.xbill.DNS.Message query;
        try {
            query = new org.xbill.DNS.Message(wire);
        } catch (IOException | RuntimeException e) {
            return headerOnly(wire, transport, Rcode.FORMERR);
        }
        Header h = query.getHeader();
        if (h.getFlag(Flags.QR)) {
            metrics.dropped(transport);
            return Optional.empty();
        }
        List<Record> questions = query.getSection(Section.QUESTION);
        Record question = questions.size() == 1 ? questions.get(0) : null;
        int type = question == null ? DnsMetrics.NONE : question.getType();
        OPTRecord opt = query.getOPT();
        if (h.getOpcode() != Opcode.QUERY) {
            return reply(query, question, Rcode.NOTIMP, transport);
        }
        if (question == null || optCount(query) > 1) {
            return reply(query, null, Rcode.FORMERR, transport);
        }
        if (opt != null && opt.getVersion() != 0) {
            return reply(query, question, Rcode.BADVERS, transport);
        }
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            return reply(query, question, Rcode.REFUSED, transport);
        }
        if (type == Type.AXFR || type == Type.IXFR) {
            return reply(query, question, Rcode.REFUSED, transport);
        }
        int limit = limit(transport, opt);
        Answer a = answers.answer(question.getName(), type, limit / MIN_RECORD_BYTES + 1);
        metrics.query(transport, type, a.rcode());
        return Optional.of(fit(query, question, a, limit, transport));
    }

    /** Largest response: 512 without EDNS0, else what the client offers within [512, UDP_MAX]; TCP has no offer. */
    private static int limit(Transport transport, OPTRecord opt) {
        if (transport == Transport.TCP) {
            return TCP_MAX;
        }
        return opt == null ? UDP_MIN : Math.min(UDP_MAX, Math.max(UDP_MIN, opt.getPayloadSize()));
    }

    private static int optCount(org.xbill.DNS.Message query) {
        int n = 0;
        for (Record r : query.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.OPT) {
                n++;
            }
        }
        return n;
    }

    private byte[] fit(org.xbill.DNS.Message query, Record question, Answer a, int limit, Transport transport) {
        // dnsjava renders up to the limit, leaving out whole additional records from the first one that does not
        // fit, without TC; only when an answer record does not fit does it set TC (and keep none of the RRset).
        byte[] wire = build(query, question, a, a.answer().size(), a.additional().size(), false).toWire(limit);
        if ((wire[2] & TC_BIT) == 0) {
            return wire;
        }
        metrics.truncated(transport);
        int kept = Math.max(0, largest(a.answer().size(), k -> build(query, question, a, k, 0, true), limit));
        return build(query, question, a, kept, 0, true).toWire();
    }

    /** The largest k in [0, n] whose message fits, or -1 if even 0 does not; sizes grow with k. */
    private static int largest(int n, java.util.function.IntFunction<org.xbill.DNS.Message> message, int limit) {
        if (message.apply(0).toWire().length > limit) {
            return -1;
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (message.apply(mid).toWire().length <= limit) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static org.xbill.DNS.Message build(org.xbill.DNS.Message query, Record question, Answer a, int answers,
                                               int additional, boolean truncated) {
        org.xbill.DNS.Message m = start(query, question, a.rcode());
        if (a.authoritative()) {
            m.getHeader().setFlag(Flags.AA);
        }
        if (truncated) {
            m.getHeader().setFlag(Flags.TC);
        }
        for (int i = 0; i < answers; i++) {
            m.addRecord(a.answer().get(i), Section.ANSWER);
        }
        if (!truncated) {
            a.authority().forEach(r -> m.addRecord(r, Section.AUTHORITY));
        }
        for (int i = 0; i < additional; i++) {
            m.addRecord(a.additional().get(i), Section.ADDITIONAL);
        }
        addOpt(query, m, a.rcode());
        return m;
    }

    /** An error answer: the question echoed when there is one, nothing else. */
    private Optional<byte[]> reply(org.xbill.DNS.Message query, Record question, int rcode, Transport transport) {
        metrics.query(transport, question == null ? DnsMetrics.NONE : question.getType(), rcode);
        org.xbill.DNS.Message m = start(query, question, rcode);
        addOpt(query, m, rcode);
        return Optional.of(m.toWire());
    }

    private static org.xbill.DNS.Message start(org.xbill.DNS.Message query, Record question, int rcode) {
        Header qh = query.getHeader();
        org.xbill.DNS.Message m = new org.xbill.DNS.Message(qh.getID());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(qh.getOpcode());
        if (qh.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        // Rcodes above 15 live partly in the OPT record (RFC 6891); the header keeps the low four bits.
        h.setRcode(rcode & 0xF);
        if (question != null) {
            m.addRecord(question, Section.QUESTION);
        }
        return m;
    }

    /** EDNS0 is answered in kind: an OPT record only if the query had one. */
    private static void addOpt(org.xbill.DNS.Message query, org.xbill.DNS.Message m, int rcode) {
        if (query.getOPT() != null) {
            m.addRecord(new OPTRecord(UDP_MAX, rcode >>> 4, 0, 0), Section.ADDITIONAL);
        }
    }

    /** For a message that does not parse: FORMERR (or SERVFAIL) with the id echoed, if the header reads. */
    private Optional<byte[]> headerOnly(byte[] wire, Transport transport, int rcode) {
        Header qh;
        try {
            qh = new Header(wire);
        } catch (IOException | RuntimeException e) {
            metrics.dropped(transport);
            return Optional.empty();
        }
        if (qh.getFlag(Flags.QR)) {
            metrics.dropped(transport);
            return Optional.empty();
        }
        metrics.query(transport, DnsMetrics.NONE, rcode);
        Header h = new Header(qh.getID());
        h.setFlag(Flags.QR);
        h.setOpcode(qh.getOpcode());
        if (qh.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setRcode(rcode);
        return Optional.of(h.toWire());
    }
}
