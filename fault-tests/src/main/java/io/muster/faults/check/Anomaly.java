package io.muster.faults.check;

/** One rule broken by the history, with enough said to find the operations involved. */
public record Anomaly(Rule rule, String key, String description) {

    /** The rules the checker proves; each anomaly names the one it breaks. */
    public enum Rule {
        LOST_REGISTRATION,
        LOST_DELETION,
        CONSISTENT_NOT_LINEARIZABLE,
        DEFAULT_READ_OLDER_THAN_ACKNOWLEDGED,
        STALE_READ_WENT_BACKWARDS,
        INDEX_WENT_BACKWARDS,
        CRITICAL_WHILE_HEARTBEATING,
        DEAD_INSTANCE_PASSING_PAST_BOUND,
        TWO_LEADERS_IN_ONE_TERM
    }

    @Override
    public String toString() {
        return rule + " " + key + ": " + description;
    }
}
