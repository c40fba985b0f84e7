package dev.forge.core.error;

/** Another Forge process holds the repository and did not release it in time. */
public final class RepositoryBusyException extends ForgeException {
    public RepositoryBusyException(String message) {
        super(message);
    }
}
