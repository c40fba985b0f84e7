package dev.forge.core.error;

/**
 * An encryption key or identity (the secret that decrypts, or proves who is asking) is missing,
 * unreadable or does not fit the data or remote it is used for. The message names which key and
 * where it was looked for, never its contents. Exit code 13.
 */
public final class KeyException extends ForgeException {
    public KeyException(String message) {
        super(message);
    }

    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
