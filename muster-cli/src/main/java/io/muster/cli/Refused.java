package io.muster.cli;

/** The registry answered with an error: the verb exits {@value MusterCli#REFUSED} and prints why. */
final class Refused extends RuntimeException {
    private final int status;
    private final String code;

    Refused(int status, String code, String message) {
        super("refused (HTTP " + status + (code == null ? "" : " " + code) + "): " + message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
