package io.muster.server.http;

/** A failure with the contract's status, error code and, where one field is at fault, its name. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String code, String message, String field, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(400, "invalid_argument", message, field, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null, null);
    }

    public static ApiException noLeader(String message) {
        return new ApiException(503, "no_leader", message, null, 1);
    }

    /** A per-client limit: the client should slow down and retry after the given seconds. */
    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        return new ApiException(429, "rate_limited", message, null, (int) Math.min(Integer.MAX_VALUE, Math.max(1, retryAfterSeconds)));
    }

    /** A quota: retrying changes nothing until something is removed, so no Retry-After. */
    public static ApiException quotaExceeded(String message) {
        return new ApiException(429, "quota_exceeded", message, null, null);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "too_large", message, null, null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message, null, 1);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
