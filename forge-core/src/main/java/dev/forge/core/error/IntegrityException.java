package dev.forge.core.error;

/**
 * Stored data is damaged or inconsistent: a hash that does not match, a pack record that does not
 * parse, an index entry that points at nothing, a tree that would write outside the work tree. The
 * message names where (pack file and offset, or object id).
 */
public final class IntegrityException extends ForgeException {
    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
