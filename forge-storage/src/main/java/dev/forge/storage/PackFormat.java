package dev.forge.storage;

import java.nio.charset.StandardCharsets;

/**
 * Pack file layout, version 1 (docs/format.md is the reference; keep both in step).
 *
 * <pre>
 * header  (16 bytes)  "FRGPACK\0"  u32 version=1  u32 reserved=0
 * record  (48 + n)    u8 0xFB  u8 object type  u8 codec  u8 0
 *                     32-byte id  u32 raw length  u32 stored length
 *                     u32 CRC32C of the 44 bytes before it and of the payload
 *                     payload (n = stored length bytes)
 * trailer (32 bytes)  "FRGPEND\0"  u32 version=1  u32 record count
 *                     u64 length of the record area  u32 CRC32C of the record area
 *                     u32 CRC32C of the 28 trailer bytes before it
 * </pre>
 *
 * All integers are big-endian. The per-record CRC finds a damaged byte before decompression, and
 * names its offset; the id (BLAKE3 of the raw bytes) is checked after decompression on every read.
 */
final class PackFormat {
    static final byte[] HEADER_MAGIC = "FRGPACK\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILER_MAGIC = "FRGPEND\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_SIZE = 16;
    static final int RECORD_MAGIC = 0xFB;
    static final int RECORD_HEADER_SIZE = 48;
    static final int RECORD_CRC_OFFSET = 44;
    static final int TRAILER_SIZE = 32;
    static final String PACK_SUFFIX = ".pack";

    private PackFormat() {}

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    static long getLong(byte[] b, int off) {
        return (getInt(b, off) & 0xFFFFFFFFL) << 32 | (getInt(b, off + 4) & 0xFFFFFFFFL);
    }

    static byte[] header() {
        byte[] h = new byte[HEADER_SIZE];
        System.arraycopy(HEADER_MAGIC, 0, h, 0, 8);
        putInt(h, 8, VERSION);
        return h;
    }
}
