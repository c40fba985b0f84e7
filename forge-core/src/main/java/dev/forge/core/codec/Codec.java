package dev.forge.core.codec;

/**
 * How a stored chunk's payload is encoded. The code is written into pack records (docs/format.md):
 * never renumber, only append.
 */
public enum Codec {
    /** The raw bytes. */
    RAW(0),
    /** An LZ4 block (no frame, no checksum; the raw length is recorded beside it). */
    LZ4(1),
    /**
     * A single zstd frame with its content size and XXH64 checksum: 4 bytes per chunk buy detection of
     * damage at decode time, before the BLAKE3 check of the decoded bytes.
     */
    ZSTD(2);

    private final int code;

    Codec(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Codec fromCode(int code) {
        for (Codec c : values()) {
            if (c.code == code) return c;
        }
        throw new IllegalArgumentException("unknown codec code " + code);
    }
}
