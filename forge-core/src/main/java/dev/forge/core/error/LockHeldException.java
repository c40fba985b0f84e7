package dev.forge.core.error;

/** A file lock held by someone else stands in the way (a lock attempt lost, or a push changes a locked path). */
public final class LockHeldException extends ForgeException {
    public LockHeldException(String message) {
        super(message);
    }
}
