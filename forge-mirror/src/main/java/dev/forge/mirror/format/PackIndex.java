package dev.forge.mirror.format;

import dev.forge.core.codec.Codec;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectLimits;
import dev.forge.core.model.ObjectType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The index of one remote pack ({@code packs/<id>.idx}): where each of its records lies. Version 1
 * (docs/format.md, "Remote format"):
 *
 * <pre>
 * header   16 bytes   "FRGPIDX\0"  u32 version=1  u32 entry count
 * entry    52 bytes   id (32)  u8 object type  u8 codec  u16 reserved=0
 *                     u32 raw length  u32 stored length  u64 record offset in the pack
 *          (entries sorted by id, ids unique)
 * trailer  12 bytes   u64 pack length  u32 CRC32C of everything before it
 * </pre>
 *
 * The pack and its index are named by the BLAKE3 of the index bytes, so an index can be checked
 * against its own name and a pack name never collides with another pack's.
 */
public final class PackIndex {
    public static final int VERSION = 1;
    static final byte[] MAGIC = "FRGPIDX\0".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 16;
    public static final int ENTRY = 52;
    static final int TRAILER = 12;
    /** The largest index a reader downloads (about 5 million entries): a larger one is refused as damaged. */
    public static final long MAX_BYTES = 256L << 20;

    /** One record of a pack. */
    public record Entry(ObjectId id, ObjectType type, Codec codec, int rawLength, int storedLength, long offset) {}

    private final String packId;
    private final byte[] bytes;
    private final int count;
    private final long packLength;

    private PackIndex(String packId, byte[] bytes, int count, long packLength) {
        this.packId = packId;
        this.bytes = bytes;
        this.count = count;
        this.packLength = packLength;
    }

    /** Encodes the index of a pack of {@code packLength} bytes holding {@code entries} (any order). */
    public static byte[] encode(List<Entry> entries, long packLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::id));
        ByteBuffer b = ByteBuffer.allocate(HEADER + sorted.size() * ENTRY + TRAILER);
        b.put(MAGIC).putInt(VERSION).putInt(sorted.size());
        ObjectId prev = null;
        for (Entry e : sorted) {
            if (e.id().equals(prev))
                throw new IllegalArgumentException("object " + e.id().shortHex() + " twice in one pack");
            prev = e.id();
            b.put(e.id().toBytes())
                    .put((byte) e.type().code())
                    .put((byte) e.codec().code())
                    .putShort((short) 0)
                    .putInt(e.rawLength())
                    .putInt(e.storedLength())
                    .putLong(e.offset());
        }
        b.putLong(packLength);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** The pack id (64 hex digits) that names a pack with this index. */
    public static String packIdOf(byte[] index, Blake3Hasher hasher) {
        return hasher.hash(index, 0, index.length).hex();
    }

    /**
     * Parses and checks an index read from {@code where}: magic, version, CRC, sorted unique ids, and
     * (when {@code packId} is given) that its bytes hash to the pack's name.
     */
    public static PackIndex parse(String packId, byte[] b, Blake3Hasher hasher, String where) {
        if (b.length < HEADER + TRAILER || !Arrays.equals(b, 0, 8, MAGIC, 0, 8)) {
            throw new IntegrityException("pack index " + where + " is not a forge pack index");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        int version = buf.getInt(8);
        if (version > VERSION) {
            throw new IntegrityException("pack index " + where + " has version " + version
                    + ", newer than this forge reads (" + VERSION + "); upgrade forge");
        }
        int count = buf.getInt(12);
        if (count < 0 || (long) HEADER + (long) count * ENTRY + TRAILER != b.length) {
            throw new IntegrityException("pack index " + where + " is truncated or damaged (" + b.length + " bytes for "
                    + count + " entries)");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        if ((int) crc.getValue() != buf.getInt(b.length - 4)) {
            throw new IntegrityException("pack index " + where + " is damaged (checksum mismatch)");
        }
        if (packId != null && !packIdOf(b, hasher).equals(packId)) {
            throw new IntegrityException("pack index " + where + " does not match its name (damaged or replaced)");
        }
        for (int i = 1; i < count; i++) {
            int a = HEADER + (i - 1) * ENTRY;
            if (Arrays.compareUnsigned(b, a, a + 32, b, a + ENTRY, a + ENTRY + 32) >= 0) {
                throw new IntegrityException("pack index " + where + " is not sorted at entry " + i);
            }
        }
        long packLength = buf.getLong(b.length - TRAILER);
        for (int i = 0; i < count; i++) checkEntry(decodeEntry(b, offsetOf(i), where), packLength, where);
        return new PackIndex(packId, b, count, packLength);
    }

    /**
     * Refuses an entry whose lengths its type and codec cannot have, or whose record would not lie
     * between the pack's header and trailer: what a fetch would otherwise allocate or request.
     */
    private static void checkEntry(Entry e, long packLength, String where) {
        String why = ObjectLimits.impossibleU32(e.type(), e.codec(), e.rawLength(), e.storedLength());
        if (why == null
                && (e.offset() < PackLayout.HEADER_SIZE
                        || e.offset() + PackLayout.RECORD_HEADER_SIZE + Integer.toUnsignedLong(e.storedLength())
                                > packLength - PackLayout.TRAILER_SIZE)) {
            why = "its record at offset " + e.offset() + " is outside the pack's " + packLength + " bytes";
        }
        if (why != null) {
            throw new IntegrityException("pack index " + where + " is damaged: the entry of object " + e.id().shortHex()
                    + " is impossible (" + why + ")");
        }
    }

    public String packId() {
        return packId;
    }

    public int size() {
        return count;
    }

    public long packLength() {
        return packLength;
    }

    /**
     * The index's own bytes, for lookup tables that point into them instead of copying each entry
     * (entry {@code i}'s id is at {@link #offsetOf}{@code (i)}). Callers must not modify them.
     */
    public byte[] bytesForIndex() {
        return bytes;
    }

    /** Where entry {@code i} starts in {@link #bytesForIndex()}; its id is the first 32 bytes. */
    public static int offsetOf(int i) {
        return HEADER + i * ENTRY;
    }

    public Entry entry(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        return decodeEntry(bytes, offsetOf(i), packId);
    }

    static Entry decodeEntry(byte[] b, int off, String where) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        try {
            return new Entry(
                    ObjectId.of(b, off),
                    ObjectType.fromCode(b[off + 32] & 0xFF),
                    Codec.fromCode(b[off + 33] & 0xFF),
                    buf.getInt(off + 36),
                    buf.getInt(off + 40),
                    buf.getLong(off + 44));
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("pack index " + where + ": " + e.getMessage());
        }
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(entry(i));
        return out;
    }
}
