package io.muster.server.dns;

import java.util.List;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/** The records that answer one question, before they are fitted into a message. */
record Answer(int rcode, boolean authoritative, List<Record> answer, List<Record> authority, List<Record> additional) {

    static Answer refused() {
        return new Answer(Rcode.REFUSED, false, List.of(), List.of(), List.of());
    }

    /** Not an answer now: this member cannot answer truthfully yet (a resolver then asks another server). */
    static Answer servfail() {
        return new Answer(Rcode.SERVFAIL, false, List.of(), List.of(), List.of());
    }
}
