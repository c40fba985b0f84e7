package dev.forge.core.codec;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.util.Objects;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Decodes stored chunk payloads back to their raw bytes.
 *
 * <p>Guarantee: a decode either yields exactly {@code rawLength} bytes or throws {@link
 * CorruptPayloadException}; no library exception escapes and no short or long result is ever
 * returned. It uses LZ4's <i>safe</i> decompressor (bounds-checked against malformed input; the
 * "fast" one trusts its input). zstd frames carry a checksum, so damage to a zstd payload is
 * detected (a flip of one of its few redundant bits, e.g. the header's unused bit, still decodes to
 * exactly the original bytes). A damaged LZ4 block can decode to the right length with wrong bytes:
 * callers verify the BLAKE3 id of what they read.
 *
 * <p>One per thread: owns a reused zstd decompression context. Not thread-safe. {@link #close()}
 * frees the context.
 */
public final class ChunkDecoder implements AutoCloseable {
    private final LZ4SafeDecompressor lz4 = Lz4Binding.FACTORY.safeDecompressor();
    /** Created on first zstd payload: most repositories (policy AUTO) never need one. */
    private ZstdDecompressCtx zstd;

    private boolean closed;

    public ChunkDecoder() {}

    private byte[] scratch = new byte[0];

    /**
     * A buffer of at least {@code length} bytes owned by this decoder (like the decoder, by one thread),
     * reused from call to call: verifying a record decodes it only to hash it.
     */
    public byte[] scratch(int length) {
        if (scratch.length < length) scratch = new byte[Math.max(length, 256 << 10)];
        return scratch;
    }

    /** Decodes into a new array of exactly {@code rawLength} bytes. */
    public byte[] decode(Codec codec, byte[] stored, int off, int len, int rawLength) throws CorruptPayloadException {
        if (rawLength < 0) {
            throw new IllegalArgumentException("rawLength must be >= 0, got " + rawLength);
        }
        byte[] dst = new byte[rawLength];
        decodeInto(codec, stored, off, len, dst, 0, rawLength);
        return dst;
    }

    /**
     * Decodes {@code stored[off, off+len)} into {@code dst[dstOff, dstOff+rawLength)}. On failure the
     * destination range may hold partial output.
     *
     * @return {@code rawLength}
     */
    public int decodeInto(Codec codec, byte[] stored, int off, int len, byte[] dst, int dstOff, int rawLength)
            throws CorruptPayloadException {
        Objects.requireNonNull(codec, "codec");
        Objects.checkFromIndexSize(off, len, stored.length);
        if (rawLength < 0) {
            throw new IllegalArgumentException("rawLength must be >= 0, got " + rawLength);
        }
        Objects.checkFromIndexSize(dstOff, rawLength, dst.length);
        if (closed) {
            throw new IllegalStateException("decoder is closed");
        }
        int n;
        switch (codec) {
            case RAW -> {
                if (len != rawLength) {
                    throw new CorruptPayloadException("RAW payload is " + len + " bytes, expected " + rawLength);
                }
                System.arraycopy(stored, off, dst, dstOff, len);
                return rawLength;
            }
            case LZ4 -> {
                try {
                    // The destination is capped at rawLength, so an over-long block fails instead of writing on.
                    n = lz4.decompress(stored, off, len, dst, dstOff, rawLength);
                } catch (RuntimeException e) {
                    // Arguments were validated above, so any failure here is the payload's.
                    throw new CorruptPayloadException(
                            "LZ4 payload of " + len + " bytes is corrupt: " + e.getMessage(), e);
                }
            }
            case ZSTD -> {
                try {
                    if (zstd == null) zstd = new ZstdDecompressCtx();
                    n = zstd.decompressByteArray(dst, dstOff, rawLength, stored, off, len);
                } catch (RuntimeException e) {
                    throw new CorruptPayloadException(
                            "zstd payload of " + len + " bytes is corrupt: " + e.getMessage(), e);
                }
            }
            default -> throw new AssertionError(codec);
        }
        if (n != rawLength) {
            throw new CorruptPayloadException(codec + " payload decoded to " + n + " bytes, expected " + rawLength);
        }
        return rawLength;
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
