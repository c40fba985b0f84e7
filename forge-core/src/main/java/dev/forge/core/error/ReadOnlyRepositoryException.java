package dev.forge.core.error;

/**
 * The repository cannot be changed here: its folder is on a read-only file system, not writable by
 * this user, or was opened for reading only. The message names the folder and the reason; reading
 * commands still work.
 */
public final class ReadOnlyRepositoryException extends ForgeException {
    public ReadOnlyRepositoryException(String message) {
        super(message);
    }
}
