package dev.forge.core.error;

/** A path, revision, ref or object that the user named does not exist. */
public final class NotFoundException extends ForgeException {
    public NotFoundException(String message) {
        super(message);
    }
}
