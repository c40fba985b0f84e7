package dev.forge.core.error;

/**
 * A remote could not be reached or refused a request: no such directory or bucket, no network, bad
 * credentials, a server error that outlasted the retries. {@link #retryable()} tells a retrying
 * wrapper whether trying again can help (a dropped connection, 429, 5xx) or cannot (403, a missing
 * bucket); {@link #retryAfter()} is the wait the server announced (Retry-After), if any. Exit code 10.
 */
public final class RemoteUnavailableException extends ForgeException {
    private final boolean retryable;
    private final java.time.Duration retryAfter;

    public RemoteUnavailableException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, null, cause);
    }

    /** A retryable failure whose server said how long to wait ({@code retryAfter}; null: it did not say). */
    public RemoteUnavailableException(
            String message, boolean retryable, java.time.Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public RemoteUnavailableException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }

    /** The wait the server asked for before the next attempt, or null when it named none. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }
}
