package dev.forge.core.chunk;

/**
 * The size bounds of content-defined chunking, fixed when a repository is created: every chunk id
 * depends on them, so changing them would re-chunk (and re-store) everything.
 *
 * <p>Guarantees, checked at construction: {@code 64 <= minSize < avgSize < maxSize <= 16 MiB} and
 * {@code avgSize} is a power of two (it sets the number of one-bits of the FastCDC masks). The
 * normalization level is fixed at {@link #NORMALIZATION_LEVEL} for every repository.
 *
 * @param minSize no chunk but the last of a file is shorter; bytes before it are not even hashed
 * @param avgSize the "normal size" where FastCDC switches from the strict to the loose mask
 * @param maxSize a chunk is cut here when no content-defined cut point was found
 */
public record ChunkerParams(int minSize, int avgSize, int maxSize) {
    /** Smallest allowed minimum: below this the per-chunk overhead dominates. */
    public static final int MIN_MIN_SIZE = 64;
    /** Largest allowed maximum, so that a chunk and its compressed form always fit an int and a pack record. */
    public static final int MAX_MAX_SIZE = 16 << 20;
    /**
     * FastCDC normalization level: the strict mask has log2(avg)+2 one-bits, the loose one
     * log2(avg)-2, which concentrates chunk sizes around {@code avgSize} (the 2020 paper's NC-2).
     */
    public static final int NORMALIZATION_LEVEL = 2;

    /** 16 KiB / 64 KiB / 256 KiB: large enough for media, small enough to dedup edited regions. */
    public static final ChunkerParams DEFAULT = new ChunkerParams(16 << 10, 64 << 10, 256 << 10);

    public ChunkerParams {
        if (minSize < MIN_MIN_SIZE) {
            throw new IllegalArgumentException("minSize must be at least " + MIN_MIN_SIZE + ", got " + minSize);
        }
        if (avgSize <= 0 || Integer.bitCount(avgSize) != 1) {
            throw new IllegalArgumentException("avgSize must be a power of two, got " + avgSize);
        }
        if (avgSize <= minSize) {
            throw new IllegalArgumentException("avgSize must exceed minSize " + minSize + ", got " + avgSize);
        }
        if (maxSize <= avgSize) {
            throw new IllegalArgumentException("maxSize must exceed avgSize " + avgSize + ", got " + maxSize);
        }
        if (maxSize > MAX_MAX_SIZE) {
            throw new IllegalArgumentException("maxSize must be at most " + MAX_MAX_SIZE + " (16 MiB), got " + maxSize);
        }
    }

    /** log2(avgSize). */
    public int avgBits() {
        return Integer.numberOfTrailingZeros(avgSize);
    }
}
