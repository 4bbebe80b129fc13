package io.muster.store.command;

/** What applying one command did, and at which log index. */
public record Result(Code code, long index) {

    /** Added codes go last: a forwarded answer carries a code's position. */
    public enum Code { OK, NOT_FOUND, INVALID, QUOTA_SERVICES, QUOTA_INSTANCES, QUOTA_INSTANCES_PER_SERVICE }

    public boolean ok() {
        return code == Code.OK;
    }
}
