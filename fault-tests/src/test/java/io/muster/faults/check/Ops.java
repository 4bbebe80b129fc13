package io.muster.faults.check;

import io.muster.faults.history.Op;
import io.muster.faults.history.Outcome;
import java.util.HashMap;
import java.util.Map;

/** Builds small synthetic histories; times are given in milliseconds. */
final class Ops {

    private long ids;

    private static long ms(long t) {
        return t * 1_000_000;
    }

    Op register(String id, long from, long to, Outcome outcome, long index) {
        return new Op(++ids, 1, Op.REGISTER, "s", id, 0, 0, "", ms(from), ms(to), outcome,
                outcome == Outcome.OK ? 200 : outcome == Outcome.FAIL ? 503 : 0, index, null, "");
    }

    Op deregister(String id, long from, long to, Outcome outcome, long index) {
        return new Op(++ids, 1, Op.DEREGISTER, "s", id, 0, 0, "", ms(from), ms(to), outcome,
                outcome == Outcome.OK ? 200 : outcome == Outcome.FAIL ? 503 : 0, index, null, "");
    }

    Op deregister404(String id, long from, long to) {
        return new Op(++ids, 1, Op.DEREGISTER, "s", id, 0, 0, "", ms(from), ms(to), Outcome.FAIL, 404, -1, null, "");
    }

    Op heartbeat(String id, long from, long to, int status) {
        return new Op(++ids, 1, Op.HEARTBEAT, "s", id, 0, 0, "", ms(from), ms(to),
                status == 200 ? Outcome.OK : Outcome.FAIL, status, -1, null, "");
    }

    /** A read on member 0 that saw {@code seen} as alternating id, status. */
    Op read(String consistency, long from, long to, long index, String... seen) {
        return readOn(0, 0, consistency, from, to, index, seen);
    }

    Op readOn(int member, int epoch, String consistency, long from, long to, long index, String... seen) {
        Map<String, String> observed = new HashMap<>();
        for (int i = 0; i < seen.length; i += 2) {
            observed.put(seen[i], seen[i + 1]);
        }
        return new Op(++ids, 2, Op.READ, "s", "", member, epoch, consistency, ms(from), ms(to), Outcome.OK, 200, index,
                observed, "");
    }

    Op leader(int member, String leader, long term, long at) {
        return new Op(++ids, 3, Op.CLUSTER, "", "", member, 0, "", ms(at), ms(at + 1), Outcome.OK, 200, -1,
                Map.of("leader", leader, "term", Long.toString(term)), "");
    }
}
