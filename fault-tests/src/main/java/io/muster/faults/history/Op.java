package io.muster.faults.history;

import java.util.Map;

/**
 * One client operation with its real-time interval (nanoseconds since the run began, one monotonic clock for the
 * whole machine) and what it returned.
 *
 * @param type register, deregister, heartbeat, read, or cluster (a member's report of leader and term)
 * @param member the member (0-based) the request went to
 * @param epoch the member's data epoch: it grows when the member is wiped, so its state may legitimately restart
 * @param consistency for reads: stale, default or consistent
 * @param index the {@code X-Muster-Index} of a read, the {@code index} of a write acknowledgement; -1 if none
 * @param observed for reads: instance id to status; for cluster reports: "leader" and "term"
 * @param status the HTTP status, 0 when there was none
 */
public record Op(long id, int process, String type, String service, String instance, int member, int epoch,
        String consistency, long invoke, long complete, Outcome outcome, int status, long index,
        Map<String, String> observed, String detail) {

    public static final String REGISTER = "register";
    public static final String DEREGISTER = "deregister";
    public static final String HEARTBEAT = "heartbeat";
    public static final String READ = "read";
    public static final String CLUSTER = "cluster";

    public Op {
        observed = observed == null ? Map.of() : Map.copyOf(observed);
        detail = detail == null ? "" : detail;
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    public boolean isWrite() {
        return type.equals(REGISTER) || type.equals(DEREGISTER);
    }

    /** When the operation may have taken effect at the latest: never bounded for an outcome-unknown one. */
    public long latestEffect() {
        return outcome == Outcome.UNKNOWN ? Long.MAX_VALUE : complete;
    }
}
