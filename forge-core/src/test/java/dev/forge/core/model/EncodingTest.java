package dev.forge.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodingTest {
    private static ObjectId id(int b) {
        byte[] x = new byte[32];
        x[0] = (byte) b;
        x[31] = (byte) (b * 7);
        return ObjectId.of(x);
    }

    @Test
    void treeEncodingIsCanonicalWhateverTheInputOrder() throws Exception {
        TreeEntry a = new TreeEntry("b.png", FileKind.FILE, ObjectType.CHUNK, id(1), 10);
        TreeEntry b = new TreeEntry("a", FileKind.DIRECTORY, ObjectType.TREE, id(2), 99);
        TreeEntry c = new TreeEntry("Z", FileKind.EXECUTABLE, ObjectType.LIST, id(3), 1L << 40);
        Tree t1 = new Tree(List.of(a, b, c));
        Tree t2 = new Tree(List.of(c, a, b));
        assertArrayEquals(t1.encode(), t2.encode());
        assertEquals(
                List.of("Z", "a", "b.png"),
                t1.entries().stream().map(TreeEntry::name).toList());
        assertEquals(t1, Tree.decode(t1.encode()));
    }

    @Test
    void treesWithUnsafeNamesAreRefusedOnDecode() {
        for (String bad : List.of("..", ".", "", "a/b", ".forge", "x\0y")) {
            byte[] enc = new BinaryWriter(64)
                    .u8(1)
                    .varint(1)
                    .u8(1)
                    .u8(0)
                    .string(bad)
                    .varint(1)
                    .id(id(1))
                    .toByteArray();
            MalformedObjectException e = assertThrows(MalformedObjectException.class, () -> Tree.decode(enc), bad);
            assertTrue(e.getMessage().contains("unsafe") || e.getMessage().contains("order"), e.getMessage());
        }
    }

    @Test
    void malformedTreesAreRefused() {
        byte[] unsorted = new BinaryWriter(64)
                .u8(1)
                .varint(2)
                .u8(1)
                .u8(0)
                .string("b")
                .varint(1)
                .id(id(1))
                .u8(1)
                .u8(0)
                .string("a")
                .varint(1)
                .id(id(1))
                .toByteArray();
        assertThrows(MalformedObjectException.class, () -> Tree.decode(unsorted));
        byte[] version2 = new BinaryWriter(8).u8(2).varint(0).toByteArray();
        assertThrows(MalformedObjectException.class, () -> Tree.decode(version2));
        byte[] truncated = new Tree(List.of(new TreeEntry("a", FileKind.FILE, ObjectType.CHUNK, id(1), 1))).encode();
        assertThrows(
                MalformedObjectException.class,
                () -> Tree.decode(java.util.Arrays.copyOf(truncated, truncated.length - 1)));
        byte[] hugeCount = new BinaryWriter(16).u8(1).varint(1L << 40).toByteArray();
        assertThrows(MalformedObjectException.class, () -> Tree.decode(hugeCount));
    }

    @Test
    void commitRoundTripKeepsTheAuthorsOffset() throws Exception {
        Commit c = new Commit(
                id(5),
                List.of(id(6), id(7)),
                "Ana <ana@studio.example>",
                OffsetDateTime.of(2026, 11, 27, 10, 30, 0, 0, ZoneOffset.ofHoursMinutes(-3, -30)),
                "shot 010: new plate\n\ndetails");
        Commit d = Commit.decode(c.encode());
        assertEquals(c, d);
        assertEquals("shot 010: new plate", d.subject());
        assertEquals(ZoneOffset.ofHoursMinutes(-3, -30), d.time().getOffset());
    }

    @Test
    void chunkListRoundTrip() throws Exception {
        ChunkList l = new ChunkList(List.of(new ChunkList.ChunkRef(id(1), 65536), new ChunkList.ChunkRef(id(2), 17)));
        assertEquals(l, ChunkList.decode(l.encode()));
        assertEquals(65553, l.totalLength());
    }

    @Test
    void varintsRoundTripAtTheEdges() throws Exception {
        long[] values = {0, 1, 127, 128, 16383, 16384, Integer.MAX_VALUE, Long.MAX_VALUE};
        BinaryWriter w = new BinaryWriter(8);
        for (long v : values) w.varint(v);
        BinaryReader r = new BinaryReader(w.toByteArray());
        for (long v : values) assertEquals(v, r.varint());
        r.expectEnd();
    }

    @Test
    void objectIdsParseAndOrderAsUnsignedBytes() {
        ObjectId low = id(1);
        ObjectId high = id(0xF0);
        assertTrue(low.compareTo(high) < 0);
        assertEquals(high, ObjectId.parse(high.hex()));
        assertThrows(IllegalArgumentException.class, () -> ObjectId.parse("abc"));
    }

    @Test
    void nameOrderIsUtf8ByteOrderIncludingSurrogates() {
        java.util.Random r = new java.util.Random(5);
        String[] alphabet = {
            "a", "Z", "/", ".", "\u00e9", "\u4e2d", "\uE000", "\uFFFD", "\uD83C\uDFAC", "\uD800\uDC00", "0"
        };
        for (int n = 0; n < 20_000; n++) {
            StringBuilder x = new StringBuilder();
            StringBuilder y = new StringBuilder();
            for (int k = r.nextInt(5); k >= 0; k--) x.append(alphabet[r.nextInt(alphabet.length)]);
            for (int k = r.nextInt(5); k >= 0; k--) y.append(alphabet[r.nextInt(alphabet.length)]);
            int expected = Integer.signum(java.util.Arrays.compareUnsigned(
                    x.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    y.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(expected, Integer.signum(Tree.NAME_ORDER.compare(x.toString(), y.toString())), x + " vs " + y);
        }
    }

    @Test
    void refNamesRejectRevisionSyntax() {
        assertTrue(RefNames.isValidShortName("shot/010"));
        for (String bad : List.of("", "a..b", "HEAD", "x~1", "a b", "-x", "a:b", "x.lock", "/a")) {
            assertTrue(!RefNames.isValidShortName(bad), bad);
        }
    }

    @Test
    void lengthsNoRecordCanHaveAreNamedBeforeAnythingIsAllocated() {
        var lz4 = dev.forge.core.codec.Codec.LZ4;
        var raw = dev.forge.core.codec.Codec.RAW;
        org.junit.jupiter.api.Assertions.assertNull(ObjectLimits.impossible(ObjectType.CHUNK, lz4, 1 << 20, 1000));
        org.junit.jupiter.api.Assertions.assertNull(ObjectLimits.impossible(ObjectType.TREE, raw, 5000, 5000));
        String huge = ObjectLimits.impossibleU32(ObjectType.CHUNK, lz4, -1, 100);
        assertTrue(huge.contains("4294967295"), huge);
        assertTrue(ObjectLimits.impossibleU32(ObjectType.LIST, lz4, Integer.MAX_VALUE - 100, 100) != null);
        assertTrue(ObjectLimits.impossible(ObjectType.CHUNK, raw, 100, 99) != null, "raw is stored as it is");
        assertTrue(
                ObjectLimits.impossible(ObjectType.CHUNK, lz4, 100, 1 << 20) != null,
                "no codec grows 100 bytes to 1 MiB");
        assertTrue(
                ObjectLimits.impossible(ObjectType.CHUNK, raw, ObjectLimits.MAX_CHUNK + 1L, ObjectLimits.MAX_CHUNK + 1L)
                        != null);
    }

    @Test
    void aChunkListNamingAChunkLargerThanAnyChunkerCutsIsMalformed() {
        byte[] enc = new BinaryWriter(64)
                .u8(1)
                .varint(1)
                .id(id(1))
                .varint(ObjectLimits.MAX_CHUNK + 1L)
                .toByteArray();
        org.junit.jupiter.api.Assertions.assertThrows(MalformedObjectException.class, () -> ChunkList.decode(enc));
    }
}
