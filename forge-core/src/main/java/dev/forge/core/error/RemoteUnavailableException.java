package dev.forge.core.error;

/**
 * A remote could not be reached or refused a request: no such directory or bucket, no network, bad
 * credentials, a server error that outlasted the retries. {@link #retryable()} tells a retrying
 * wrapper whether trying again can help (a dropped connection, 429, 5xx) or cannot (403, a missing
 * bucket). Exit code 10.
 */
public final class RemoteUnavailableException extends ForgeException {
    private final boolean retryable;

    public RemoteUnavailableException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public RemoteUnavailableException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
