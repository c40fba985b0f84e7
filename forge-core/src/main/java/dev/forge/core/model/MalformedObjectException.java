package dev.forge.core.model;

/** An object's bytes do not follow its documented encoding (docs/format.md). */
public final class MalformedObjectException extends Exception {
    public MalformedObjectException(String message) {
        super(message);
    }
}
