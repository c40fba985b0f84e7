package dev.forge.core.error;

/**
 * The command did what it could, but left some paths out (they could not be read, say); the message
 * lists them. Thrown after the command's work is done and its result printed: exit code 12.
 */
public final class PartialResultException extends ForgeException {
    public PartialResultException(String message) {
        super(message);
    }
}
