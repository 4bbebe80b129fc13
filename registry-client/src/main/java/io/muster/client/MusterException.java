package io.muster.client;

import java.util.Optional;

/**
 * The registry refused a request, or could not be reached. {@link #status()} and {@link #code()} carry the
 * registry's answer when there was one: {@code 400 invalid_argument}, {@code 404 not_found}, and so on.
 */
public class MusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;

    /** An answer from the registry: its HTTP status, error code and, when one was at fault, the field. */
    public MusterException(int status, String code, String field, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** A failure without an answer from the registry. */
    public MusterException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = null;
        this.field = null;
    }

    /** The HTTP status the registry answered, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The contract's error code ({@code invalid_argument}, {@code not_found}, ...) when the registry sent one. */
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    /** The request field the registry blamed, when it named one. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
