package dev.forge.mirror.format;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.codec.Codec;
import dev.forge.core.codec.CorruptPayloadException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The pack file layout, version 1: the same bytes as a local pack (docs/format.md, "Pack file"), so
 * that a push copies stored records as they are, without decoding or recompressing them.
 *
 * <pre>
 * header   16 bytes   "FRGPACK\0"  u32 version=1  u32 reserved=0
 * record   48+n       u8 0xFB  u8 object type  u8 codec  u8 0  id (32)  u32 raw length
 *                     u32 stored length (n)  u32 CRC32C of the 44 bytes before it and the payload
 *                     payload (n bytes)
 * trailer  32 bytes   "FRGPEND\0"  u32 version=1  u32 record count  u64 record area length
 *                     u32 CRC32C of the record area  u32 CRC32C of the 28 trailer bytes before it
 * </pre>
 */
public final class PackLayout {
    static final byte[] HEADER_MAGIC = "FRGPACK\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILER_MAGIC = "FRGPEND\0".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 16;
    public static final int RECORD_HEADER_SIZE = 48;
    static final int RECORD_MAGIC = 0xFB;
    static final int RECORD_CRC_OFFSET = 44;
    public static final int TRAILER_SIZE = 32;

    private PackLayout() {}

    /** The CRC32C a record at {@code rec[off..]} carries (checked by {@link #verifyRecord}). */
    public static int recordCrc(byte[] rec, int off) {
        return ByteBuffer.wrap(rec).getInt(off + RECORD_CRC_OFFSET);
    }

    /**
     * Checks the record at {@code rec[off..]} against its index entry (marker, CRC32C, header fields),
     * decodes it and re-hashes the raw bytes against the id. Returns nothing: a record that returns is
     * safe to store as it is.
     */
    public static void verifyRecord(
            PackIndex.Entry e, byte[] rec, int off, ChunkDecoder decoder, Blake3Hasher hasher, String where) {
        String why = ObjectLimits.impossibleU32(e.type(), e.codec(), e.rawLength(), e.storedLength());
        if (why != null) {
            throw new IntegrityException(
                    "impossible record in " + where + " for object " + e.id().shortHex() + ": " + why);
        }
        ByteBuffer b = ByteBuffer.wrap(rec);
        if ((rec[off] & 0xFF) != RECORD_MAGIC)
            throw new IntegrityException("damaged record in " + where + ": bad record marker");
        CRC32C crc = new CRC32C();
        crc.update(rec, off, RECORD_CRC_OFFSET);
        crc.update(rec, off + RECORD_HEADER_SIZE, e.storedLength());
        if ((int) crc.getValue() != b.getInt(off + RECORD_CRC_OFFSET)) {
            throw new IntegrityException(
                    "damaged record in " + where + " (checksum mismatch) for object " + e.id().shortHex());
        }
        if (!ObjectId.of(rec, off + 4).equals(e.id())
                || (rec[off + 1] & 0xFF) != e.type().code()
                || (rec[off + 2] & 0xFF) != e.codec().code()
                || b.getInt(off + 36) != e.rawLength()
                || b.getInt(off + 40) != e.storedLength()) {
            throw new IntegrityException(
                    "the pack index does not match the record in " + where + " for object " + e.id().shortHex());
        }
        ObjectId actual;
        if (e.codec() == Codec.RAW) {
            // Stored as is (most media): hashed where it lies, no copy.
            if (e.storedLength() != e.rawLength()) {
                throw new IntegrityException("damaged record in " + where + " for object " + e.id().shortHex()
                        + ": a raw payload of " + e.storedLength() + " bytes for " + e.rawLength());
            }
            actual = hasher.hash(e.type(), rec, off + RECORD_HEADER_SIZE, e.storedLength());
        } else {
            byte[] raw = decoder.scratch(e.rawLength());
            try {
                decoder.decodeInto(e.codec(), rec, off + RECORD_HEADER_SIZE, e.storedLength(), raw, 0, e.rawLength());
            } catch (CorruptPayloadException x) {
                throw new IntegrityException(
                        "damaged payload in " + where + " for object " + e.id().shortHex() + ": " + x.getMessage());
            }
            actual = hasher.hash(e.type(), raw, 0, e.rawLength());
        }
        if (!actual.equals(e.id())) {
            throw new IntegrityException("object " + e.id().shortHex() + " in " + where + " hashes to "
                    + actual.shortHex() + " (damaged data)");
        }
    }
}
