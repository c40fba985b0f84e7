package dev.forge.cli.commands.video;

/** Defaults of {@code forge video encode}, chosen by measurement (docs/benchmarks.md, "Video codec"). */
final class VideoDefaults {
    private VideoDefaults() {}

    /** Reed-Solomon parity bytes per 255-byte codeword inside a frame (corrects 16 wrong bytes in 255). */
    static final int INNER_PARITY = 32;
}
