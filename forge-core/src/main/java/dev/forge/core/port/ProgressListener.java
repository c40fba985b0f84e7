package dev.forge.core.port;

/**
 * Progress of a long operation. forge-core never prints: the CLI shows this as a bar on a terminal and
 * ignores it otherwise. Methods may be called from several threads.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    /** A new phase with a total in {@code unit} (bytes or items); total < 0 when unknown. */
    default void begin(String phase, long total, String unit) {}

    default void advance(long amount) {}

    default void end() {}
}
