package io.muster.store.command;

/** What applying one command did, and at which log index. */
public record Result(Code code, long index) {

    public enum Code { OK, NOT_FOUND, INVALID }

    public boolean ok() {
        return code == Code.OK;
    }
}
