package io.muster.client;

/**
 * No member of the registry answered usefully within the retry policy: every attempt failed to connect, timed
 * out, or got a {@code 5xx}/{@code 429} answer. The cause is the last attempt's failure.
 */
public class RegistryUnavailableException extends MusterException {

    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
