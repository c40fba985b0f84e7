package dev.forge.core.codec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which codec {@link ChunkEncoder} picks for a chunk. Ids never depend on it, so a repository may
 * switch policy at any time; old chunks keep their codec.
 *
 * <p>Every compressing policy stores RAW when the caller says the chunk is incompressible or
 * {@link MediaSniffer} recognises an already-compressed format at its start, and keeps a compressed
 * form only when it is smaller than the raw bytes by at least the policy's threshold.
 */
public enum CompressionPolicy {
    /** LZ4 when it saves at least 1/16 of the chunk, else RAW. The default. */
    AUTO,
    /** LZ4 whenever it saves anything. */
    FAST,
    /** zstd level 3 whenever it saves anything. */
    BALANCED,
    /**
     * zstd level 19, but only on chunks that a quick LZ4 trial finds compressible (LZ4 output
     * smaller than the input): zstd 19 runs at a few MB/s and must never be spent on noise.
     */
    MAX,
    /** Always RAW. */
    NONE;

    /** Parses a policy name, ignoring case (as written in config files and on the command line). */
    public static CompressionPolicy parse(String name) {
        if (name != null) {
            String upper = name.trim().toUpperCase(Locale.ROOT);
            for (CompressionPolicy p : values()) {
                if (p.name().equals(upper)) return p;
            }
        }
        String valid = Arrays.stream(values())
                .map(p -> p.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown compression policy '" + name + "'; valid values: " + valid);
    }
}
