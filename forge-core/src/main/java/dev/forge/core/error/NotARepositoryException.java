package dev.forge.core.error;

/** The directory (or none of its parents) holds no Forge repository. */
public final class NotARepositoryException extends ForgeException {
    public NotARepositoryException(String message) {
        super(message);
    }
}
