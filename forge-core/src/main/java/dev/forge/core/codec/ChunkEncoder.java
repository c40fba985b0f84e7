package dev.forge.core.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.Objects;
import net.jpountz.lz4.LZ4Compressor;

/**
 * Compresses chunks for storage according to a {@link CompressionPolicy}, choosing RAW whenever
 * compression would not pay (see the policy constants for the exact rules).
 *
 * <p>One per thread: it owns a reused LZ4 compressor, a reused zstd compression context (reusing a
 * context is about 3x faster than zstd-jni's static calls, which create one per call) and one output
 * buffer large enough for the worst case of the largest chunk, so encoding allocates nothing. Not
 * thread-safe. {@link #close()} frees the native zstd context.
 *
 * <p>The {@link Encoded} result is a view: for RAW it points at the caller's input, otherwise at
 * this encoder's internal buffer, which the next {@code encode} call overwrites.
 */
public final class ChunkEncoder implements AutoCloseable {
    /** zstd level for {@link CompressionPolicy#BALANCED}: zstd's own default, ~LZ4 speed on media. */
    static final int BALANCED_LEVEL = 3;
    /** zstd level for {@link CompressionPolicy#MAX}: best ratio short of the ultra levels. */
    static final int MAX_LEVEL = 19;

    /**
     * An encoded chunk: {@code buf[off, off+len)} stored with {@code codec}. For RAW this is the input
     * slice itself; otherwise it is the encoder's buffer, valid only until the encoder's next call.
     */
    public record Encoded(Codec codec, byte[] buf, int off, int len) {}

    private final CompressionPolicy policy;
    private final int maxChunkSize;
    private final LZ4Compressor lz4;
    /** Only for the zstd policies; null otherwise, so AUTO encoders hold no zstd native memory. */
    private final ZstdCompressCtx zstd;

    private final byte[] out;
    private boolean closed;

    // Package-private counters so tests can check which codec work happened, without timing.
    long lz4Calls;
    long zstdCalls;

    public ChunkEncoder(CompressionPolicy policy, int maxChunkSize) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if (maxChunkSize <= 0) {
            throw new IllegalArgumentException("maxChunkSize must be positive, got " + maxChunkSize);
        }
        this.maxChunkSize = maxChunkSize;
        this.lz4 = Lz4Binding.FACTORY.fastCompressor();
        long bound = lz4.maxCompressedLength(maxChunkSize);
        if (policy == CompressionPolicy.BALANCED || policy == CompressionPolicy.MAX) {
            ZstdCompressCtx ctx = new ZstdCompressCtx();
            ctx.setLevel(policy == CompressionPolicy.MAX ? MAX_LEVEL : BALANCED_LEVEL);
            ctx.setContentSize(true);
            ctx.setChecksum(true);
            this.zstd = ctx;
            bound = Math.max(bound, Zstd.compressBound(maxChunkSize));
        } else {
            this.zstd = null;
        }
        if (bound > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxChunkSize too large for an array: " + maxChunkSize);
        }
        this.out = new byte[(int) bound];
    }

    /**
     * Encodes {@code raw[off, off+len)}.
     *
     * @param knownIncompressible the caller already knows the bytes will not shrink (e.g. a later
     *     chunk of a file whose first chunk was sniffed as compressed media): store RAW
     */
    public Encoded encode(byte[] raw, int off, int len, boolean knownIncompressible) {
        Objects.checkFromIndexSize(off, len, raw.length);
        if (len > maxChunkSize) {
            throw new IllegalArgumentException(
                    "chunk of " + len + " bytes exceeds this encoder's maxChunkSize " + maxChunkSize);
        }
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        Encoded rawResult = new Encoded(Codec.RAW, raw, off, len);
        if (policy == CompressionPolicy.NONE || len == 0 || knownIncompressible || isMedia(raw, off, len)) {
            return rawResult;
        }
        return switch (policy) {
            case AUTO -> {
                int n = lz4(raw, off, len);
                // Below 1/16 saved, the decode cost on every read outweighs the space.
                yield n <= len - (len >>> 4) ? new Encoded(Codec.LZ4, out, 0, n) : rawResult;
            }
            case FAST -> {
                int n = lz4(raw, off, len);
                yield n < len ? new Encoded(Codec.LZ4, out, 0, n) : rawResult;
            }
            case BALANCED -> {
                int n = zstd(raw, off, len);
                yield n < len ? new Encoded(Codec.ZSTD, out, 0, n) : rawResult;
            }
            case MAX -> {
                // LZ4 costs well under a millisecond per chunk even on noise; zstd 19 costs ~100 ms.
                if (lz4(raw, off, len) >= len) yield rawResult;
                int n = zstd(raw, off, len);
                yield n < len ? new Encoded(Codec.ZSTD, out, 0, n) : rawResult;
            }
            case NONE -> rawResult;
        };
    }

    /**
     * Magic bytes only appear in a file's first chunk; for later chunks this is a cheap miss, and the
     * caller carries the verdict forward through {@code knownIncompressible}.
     */
    private static boolean isMedia(byte[] raw, int off, int len) {
        return MediaSniffer.isCompressedMedia(raw, off, Math.min(len, MediaSniffer.HEAD_SIZE));
    }

    private int lz4(byte[] raw, int off, int len) {
        lz4Calls++;
        return lz4.compress(raw, off, len, out, 0, out.length);
    }

    private int zstd(byte[] raw, int off, int len) {
        zstdCalls++;
        return zstd.compressByteArray(out, 0, out.length, raw, off, len);
    }

    /**
     * Loads the LZ4 binding on a background thread, for a command that will compress (add): lz4-java
     * unpacks its native library to a temporary file and loads it on first use (tens of milliseconds,
     * a tenth of an add of one file), which can overlap the repository's opening instead. A use before
     * it finished waits for it (the binding's class initialisation). Here, not in {@link Lz4Binding}: a
     * static method of that class would initialise it on the caller's thread.
     */
    public static void preload() {
        Thread.ofPlatform()
                .daemon()
                .name("forge-lz4-load")
                .start(() -> java.util.Objects.requireNonNull(Lz4Binding.FACTORY));
    }

    public CompressionPolicy policy() {
        return policy;
    }

    public int maxChunkSize() {
        return maxChunkSize;
    }

    /** Frees the zstd context. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (zstd != null) zstd.close();
        }
    }
}
