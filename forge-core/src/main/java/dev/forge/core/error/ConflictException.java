package dev.forge.core.error;

/** A merge has unresolved conflicts (or stopped on them); exits with the conflict code. */
public final class ConflictException extends ForgeException {
    public ConflictException(String message) {
        super(message);
    }
}
