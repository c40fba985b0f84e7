package dev.forge.core.error;

/**
 * A failure that means something to a user. The message is one line that names the problem and, where
 * there is one, what to do. The CLI turns each subclass into its documented exit code in one place.
 */
public class ForgeException extends RuntimeException {
    public ForgeException(String message) {
        super(message);
    }

    public ForgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
