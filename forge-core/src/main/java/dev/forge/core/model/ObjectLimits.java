package dev.forge.core.model;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.Codec;
import java.util.Locale;

/**
 * The largest objects can be, so that lengths read from untrusted data (a pack record, an index entry,
 * a remote's pack index) are checked before anything is allocated for them: a damaged or crafted
 * length then fails as damage, naming the object, instead of asking for gigabytes of memory.
 *
 * <ul>
 *   <li>A chunk holds at most {@link #MAX_CHUNK} bytes: no repository's chunker cuts larger ones.
 *   <li>A chunk list, tree or commit holds at most {@link #MAX_STRUCTURED} bytes (a chunk list of a
 *       file of about 480 GB at the default chunking; writers refuse to make larger ones).
 *   <li>A stored payload is at most {@link #maxStored} of its raw length: what LZ4 or zstd can add to
 *       incompressible input, and exactly the raw length for the raw codec.
 * </ul>
 */
public final class ObjectLimits {
    public static final int MAX_CHUNK = ChunkerParams.MAX_MAX_SIZE;
    public static final int MAX_STRUCTURED = 256 << 20;

    private ObjectLimits() {}

    /** The largest raw length an object of this type can have. */
    public static int maxRaw(ObjectType type) {
        return type == ObjectType.CHUNK ? MAX_CHUNK : MAX_STRUCTURED;
    }

    /** The largest payload a codec can make of {@code rawLength} bytes (LZ4: n + n/255 + 16; zstd less). */
    public static long maxStored(Codec codec, long rawLength) {
        return codec == Codec.RAW ? rawLength : rawLength + rawLength / 255 + 64;
    }

    /**
     * Null when a record of this type and codec can have these lengths, else why not ("raw length
     * 4294967295 is above the 16777216 a chunk can have").
     */
    public static String impossible(ObjectType type, Codec codec, long rawLength, long storedLength) {
        if (rawLength < 0 || storedLength < 0) {
            return String.format(Locale.ROOT, "negative length (raw %d, stored %d)", rawLength, storedLength);
        }
        if (rawLength > maxRaw(type)) {
            return String.format(
                    Locale.ROOT,
                    "raw length %d is above the %d a %s can have",
                    rawLength,
                    maxRaw(type),
                    type.name().toLowerCase(Locale.ROOT));
        }
        if (codec == Codec.RAW ? storedLength != rawLength : storedLength > maxStored(codec, rawLength)) {
            return String.format(
                    Locale.ROOT, "stored length %d cannot hold %d raw bytes as %s", storedLength, rawLength, codec);
        }
        return null;
    }

    /** {@link #impossible} for lengths read as unsigned 32-bit fields. */
    public static String impossibleU32(ObjectType type, Codec codec, int rawLength, int storedLength) {
        return impossible(type, codec, Integer.toUnsignedLong(rawLength), Integer.toUnsignedLong(storedLength));
    }
}
