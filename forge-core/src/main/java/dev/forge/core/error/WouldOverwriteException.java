package dev.forge.core.error;

/** An operation would overwrite or delete changes the user has not committed; --force does it anyway. */
public final class WouldOverwriteException extends ForgeException {
    public WouldOverwriteException(String message) {
        super(message);
    }
}
