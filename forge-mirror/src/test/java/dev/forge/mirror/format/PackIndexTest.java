package dev.forge.mirror.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.codec.Codec;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackIndexTest {
    private final Blake3Hasher hasher = Blake3.newHasher();
    /** Long enough for every record {@link #entries} places. */
    private static final long PACK_LENGTH = 16 + 1000L * 5000 + 10_000 + 32;

    private List<PackIndex.Entry> entries(int n) {
        List<PackIndex.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = {(byte) i, (byte) (i >> 8)};
            out.add(new PackIndex.Entry(
                    hasher.hash(b, 0, 2),
                    i % 2 == 0 ? ObjectType.CHUNK : ObjectType.LIST,
                    Codec.values()[i % 3],
                    1000 + i,
                    Codec.values()[i % 3] == Codec.RAW ? 1000 + i : 900 + i,
                    16 + 1000L * i));
        }
        return out;
    }

    @Test
    void roundTripsSortedAndNamedByItsHash() {
        List<PackIndex.Entry> in = entries(100);
        byte[] bytes = PackIndex.encode(in, 123_456);
        String id = PackIndex.packIdOf(bytes, hasher);
        PackIndex idx = PackIndex.parse(id, bytes, hasher, "test");
        assertEquals(100, idx.size());
        assertEquals(123_456, idx.packLength());
        assertTrue(idx.entries().containsAll(in));
        for (int i = 1; i < idx.size(); i++)
            assertTrue(idx.entry(i - 1).id().compareTo(idx.entry(i).id()) < 0);
    }

    @Test
    void refusesDamageAReplacedIndexAndNewerVersions() {
        byte[] bytes = PackIndex.encode(entries(10), PACK_LENGTH);
        String id = PackIndex.packIdOf(bytes, hasher);
        byte[] flipped = bytes.clone();
        flipped[40] ^= 1;
        assertThrows(IntegrityException.class, () -> PackIndex.parse(id, flipped, hasher, "test"));
        byte[] other = PackIndex.encode(entries(11), PACK_LENGTH);
        assertThrows(IntegrityException.class, () -> PackIndex.parse(id, other, hasher, "test"));
        byte[] newer = bytes.clone();
        newer[11] = 2;
        var e = assertThrows(IntegrityException.class, () -> PackIndex.parse(null, newer, hasher, "test"));
        assertTrue(e.getMessage().contains("upgrade forge"), e.getMessage());
        assertThrows(
                IntegrityException.class,
                () -> PackIndex.parse(null, java.util.Arrays.copyOf(bytes, bytes.length - 1), hasher, "t"));
    }

    @Test
    void refusesEntriesWhoseLengthsOrPlaceAreImpossibleBeforeAnythingIsAllocated() {
        ObjectId id = hasher.hash(new byte[] {1}, 0, 1);
        List<PackIndex.Entry> bad = List.of(
                new PackIndex.Entry(id, ObjectType.CHUNK, Codec.LZ4, -1, 100, 16), // 2^32-1 raw bytes
                new PackIndex.Entry(id, ObjectType.TREE, Codec.ZSTD, Integer.MAX_VALUE - 8, 100, 16),
                new PackIndex.Entry(id, ObjectType.CHUNK, Codec.RAW, 100, 100, PACK_LENGTH - 100),
                new PackIndex.Entry(id, ObjectType.CHUNK, Codec.RAW, 100, 100, 3),
                new PackIndex.Entry(id, ObjectType.CHUNK, Codec.LZ4, 100, 1 << 20, 16));
        for (PackIndex.Entry e : bad) {
            byte[] b = PackIndex.encode(List.of(e), PACK_LENGTH);
            var x = assertThrows(
                    IntegrityException.class, () -> PackIndex.parse(PackIndex.packIdOf(b, hasher), b, hasher, "t"));
            assertTrue(x.getMessage().contains(id.shortHex()), x.getMessage());
        }
    }

    @Test
    void remoteIndexFindsEveryEntryAndNothingElse() {
        dev.forge.mirror.RemoteIndexProbe probe = new dev.forge.mirror.RemoteIndexProbe();
        List<PackIndex.Entry> all = entries(5000);
        for (int p = 0; p < 5; p++) {
            byte[] b = PackIndex.encode(all.subList(p * 1000, (p + 1) * 1000), PACK_LENGTH);
            probe.add(PackIndex.parse(PackIndex.packIdOf(b, hasher), b, hasher, "p" + p));
        }
        for (PackIndex.Entry e : all) assertEquals(e, probe.locate(e.id()));
        assertEquals(null, probe.locate(ObjectId.parse("00".repeat(32))));
    }
}
