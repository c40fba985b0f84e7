package dev.forge.core.codec;

/**
 * A stored payload could not be decoded into exactly the recorded number of bytes: the pack bytes
 * are damaged (or the record points at the wrong place). Checked, so that readers decide whether to
 * fail the operation or repair from another copy.
 */
public final class CorruptPayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptPayloadException(String message) {
        super(message);
    }

    public CorruptPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
