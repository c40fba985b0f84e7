package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.codec.ChunkEncoder;
import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to pack files on disk: reopening, leftovers of a crash in tmp/, damage named by pack and
 * offset, the config file. The port's contract is checked on this store by Rocks*StoreTest.
 */
class PackStoreTest {
    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();

    private static byte[] data(long seed, int n, boolean compressible) {
        byte[] b = new byte[n];
        Random r = new Random(seed);
        if (compressible) {
            for (int i = 0; i < n; i++) b[i] = (byte) ("abcdefgh".charAt(r.nextInt(8)));
        } else {
            r.nextBytes(b);
        }
        return b;
    }

    private static ObjectId put(ObjectWriter w, byte[] raw, CompressionPolicy policy) {
        ObjectId id = Blake3.newHasher().hash(raw, 0, raw.length);
        try (ChunkEncoder enc = new ChunkEncoder(policy, 1 << 20)) {
            ChunkEncoder.Encoded e = enc.encode(raw, 0, raw.length, false);
            w.put(id, ObjectType.CHUNK, e.codec(), raw.length, e.buf(), e.off(), e.len());
        }
        return id;
    }

    @Test
    void objectsRoundTripAcrossReopenWithEveryPolicy() {
        List<ObjectId> ids = new ArrayList<>();
        List<byte[]> raws = new ArrayList<>();
        try (LocalStore s = factory.create(dir, RepoConfig.defaults())) {
            try (ObjectWriter w = s.objects().newWriter()) {
                int i = 0;
                for (CompressionPolicy p : CompressionPolicy.values()) {
                    for (boolean compressible : new boolean[] {true, false}) {
                        byte[] raw = data(i++, 70_000 + i, compressible);
                        raws.add(raw);
                        ids.add(put(w, raw, p));
                    }
                }
            }
        }
        try (LocalStore s = factory.open(dir)) {
            for (int i = 0; i < ids.size(); i++)
                assertArrayEquals(raws.get(i), s.objects().read(ids.get(i)));
            LocalStore.StorageCheck check = s.checkStorage(ProgressListener.NONE);
            assertEquals(List.of(), check.problems());
            assertEquals(ids.size(), check.records());
            assertTrue(
                    s.usage().packBytes()
                            < raws.stream().mapToLong(b -> b.length).sum(),
                    "compressible chunks shrink");
        }
    }

    /**
     * A record copied with the CRC it carried (a fetch's, checked there) makes the same pack bytes as a
     * put that computes it; a wrong one is caught when the object is read, like damage.
     */
    @Test
    void aRecordPutWithItsKnownCrcIsTheSameAsAPutAndAWrongOneIsCaughtOnRead() throws Exception {
        byte[] raw = data(9, 4000, false);
        ObjectId id = Blake3.newHasher().hash(raw, 0, raw.length);
        Path plain = Files.createDirectories(dir.resolve("plain"));
        try (LocalStore s = factory.create(plain, RepoConfig.defaults());
                ObjectWriter w = s.objects().newWriter()) {
            w.put(id, ObjectType.CHUNK, dev.forge.core.codec.Codec.RAW, raw.length, raw, 0, raw.length);
        }
        byte[] packed;
        try (Stream<Path> packs = Files.list(plain.resolve(".forge/packs"))) {
            packed = Files.readAllBytes(packs.findFirst().orElseThrow());
        }
        int crc = java.nio.ByteBuffer.wrap(packed).getInt(16 + 44);
        for (int given : new int[] {crc, crc ^ 1}) {
            Path d = Files.createDirectories(dir.resolve("known" + given));
            try (LocalStore s = factory.create(d, RepoConfig.defaults());
                    ObjectWriter w = s.objects().newWriter()) {
                w.putVerified(
                        id, ObjectType.CHUNK, dev.forge.core.codec.Codec.RAW, raw.length, raw, 0, raw.length, given);
            }
            try (LocalStore s = factory.open(d)) {
                if (given == crc) {
                    assertArrayEquals(raw, s.objects().read(id));
                    try (Stream<Path> packs = Files.list(d.resolve(".forge/packs"))) {
                        assertArrayEquals(
                                packed, Files.readAllBytes(packs.findFirst().orElseThrow()));
                    }
                } else {
                    assertThrows(IntegrityException.class, () -> s.objects().read(id));
                }
            }
        }
    }

    @Test
    void anUnflushedPackLeavesNoTraceAfterACrash() throws Exception {
        try (LocalStore s = factory.create(dir, RepoConfig.defaults())) {
            ObjectWriter w = s.objects().newWriter();
            put(w, data(2, 5000, false), CompressionPolicy.NONE);
            // Simulate a crash: the writer is never flushed or closed.
        }
        try (Stream<Path> parts = Files.list(dir.resolve(".forge/tmp"))) {
            assertEquals(1, parts.count(), "the unpublished pack is still in tmp/ before the next open");
        }
        try (LocalStore s = factory.open(dir)) {
            assertEquals(0, s.usage().objects());
            assertEquals(List.of(), s.checkStorage(ProgressListener.NONE).problems());
        }
        try (Stream<Path> parts = Files.list(dir.resolve(".forge/tmp"))) {
            assertEquals(0, parts.count(), "open sweeps leftovers");
        }
    }

    @Test
    void aDamagedByteIsReportedWithPackAndOffset() throws Exception {
        ObjectId id;
        try (LocalStore s = factory.create(dir, RepoConfig.defaults())) {
            try (ObjectWriter w = s.objects().newWriter()) {
                put(w, data(3, 3000, false), CompressionPolicy.NONE);
                id = put(w, data(4, 3000, false), CompressionPolicy.NONE);
            }
        }
        Path pack;
        try (Stream<Path> packs = Files.list(dir.resolve(".forge/packs"))) {
            pack = packs.findFirst().orElseThrow();
        }
        long recordOffset = 16 + 48 + 3000;
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            long at = recordOffset + 48 + 100;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        try (LocalStore s = factory.open(dir)) {
            IntegrityException e =
                    assertThrows(IntegrityException.class, () -> s.objects().read(id));
            assertTrue(e.getMessage().contains(pack.getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + recordOffset), e.getMessage());
            List<String> problems = s.checkStorage(ProgressListener.NONE).problems();
            assertFalse(problems.isEmpty());
            assertTrue(problems.get(0).contains("offset " + recordOffset), problems.toString());
        }
    }

    /** One pack with two chunks of 3000 incompressible bytes; returns the second one's id. */
    private ObjectId twoChunkPack(byte[] first, byte[] second) {
        try (LocalStore s = factory.create(dir, RepoConfig.defaults());
                ObjectWriter w = s.objects().newWriter()) {
            put(w, first, CompressionPolicy.NONE);
            return put(w, second, CompressionPolicy.NONE);
        }
    }

    private Path onlyPack() throws Exception {
        try (Stream<Path> packs = Files.list(dir.resolve(".forge/packs"))) {
            return packs.findFirst().orElseThrow();
        }
    }

    @Test
    void aRecordPastTheEndOfATruncatedPackIsStoredAgainAndTheNewCopyWins() throws Exception {
        byte[] first = data(5, 3000, false);
        byte[] second = data(6, 3000, false);
        ObjectId id = twoChunkPack(first, second);
        ObjectId firstId = Blake3.newHasher().hash(first, 0, first.length);
        Path pack = onlyPack();
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.setLength(16 + 48 + 3000 + 48 + 1000); // the second record is cut short
        }
        try (LocalStore s = factory.open(dir)) {
            assertTrue(s.objects().contains(id), "the index still names it");
            assertFalse(s.objects().containsIntact(id), "but it cannot satisfy deduplication");
            assertTrue(s.objects().containsIntact(firstId), "the record before the cut is whole");
            assertEquals(java.util.Set.of(id), s.objects().knownDamaged());
            try (ObjectWriter w = s.objects().newWriter()) {
                assertFalse(w.put(firstId, ObjectType.CHUNK, dev.forge.core.codec.Codec.RAW, 3000, first, 0, 3000));
                put(w, second, CompressionPolicy.NONE);
            }
            assertArrayEquals(second, s.objects().read(id));
            assertTrue(s.objects().containsIntact(id));
            assertEquals(java.util.Set.of(), s.objects().knownDamaged());
            // gc rewrites the damaged pack (its live record is whole), and then nothing is damaged.
            dev.forge.core.port.LiveSet live = new dev.forge.core.port.LiveSet(16);
            live.add(id);
            live.add(firstId);
            s.sweep(live, 0.5, false, ProgressListener.NONE);
            assertEquals(List.of(), s.checkStorage(ProgressListener.NONE).problems());
            assertArrayEquals(first, s.objects().read(firstId));
        }
        assertFalse(Files.exists(pack), "the truncated pack is gone");
    }

    @Test
    void aRecordThatFailedToReadIsRememberedAcrossOpensUntilWrittenAgain() throws Exception {
        byte[] second = data(8, 3000, false);
        ObjectId id = twoChunkPack(data(7, 3000, false), second);
        Path pack = onlyPack();
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            long at = 16 + 48 + 3000 + 48 + 10;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        try (LocalStore s = factory.open(dir)) {
            assertTrue(s.objects().containsIntact(id), "not known yet: nothing has read it");
            assertThrows(IntegrityException.class, () -> s.objects().readChunk(id));
            assertFalse(s.objects().containsIntact(id), "the failed read remembered it");
        }
        assertTrue(Files.readString(dir.resolve(".forge/damaged")).startsWith(id.hex() + " "));
        try (LocalStore s = factory.open(dir)) {
            assertFalse(s.objects().containsIntact(id), "remembered across opens");
            assertEquals(java.util.Set.of(id), s.objects().knownDamaged());
            try (ObjectWriter w = s.objects().newWriter()) {
                put(w, second, CompressionPolicy.FAST);
            }
            assertArrayEquals(second, s.objects().read(id));
            assertTrue(s.objects().containsIntact(id));
        }
    }

    @Test
    void fsckRemembersTheRecordsItFindsDamaged() throws Exception {
        ObjectId id = twoChunkPack(data(9, 3000, false), data(10, 3000, false));
        Path pack = onlyPack();
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            long at = 16 + 48 + 3000 + 48 + 2999; // the last payload byte
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x80);
        }
        try (LocalStore s = factory.open(dir)) {
            assertTrue(s.objects().containsIntact(id));
            assertFalse(s.checkStorage(ProgressListener.NONE).problems().isEmpty());
            assertFalse(s.objects().containsIntact(id));
            assertEquals(java.util.Set.of(id), s.objects().knownDamaged());
        }
    }

    @Test
    void aRecordHeaderClaimingGigabytesIsDamageNotAnAllocation() throws Exception {
        for (int claim : new int[] {-1, Integer.MAX_VALUE - 100}) {
            dir = java.nio.file.Files.createTempDirectory(dir, "claim");
            twoChunkPack(data(11, 3000, false), data(12, 3000, false));
            Path pack = onlyPack();
            long second = 16 + 48 + 3000;
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    pack, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer rec = java.nio.ByteBuffer.allocate(48 + 3000);
                ch.read(rec, second);
                rec.put(2, (byte) dev.forge.core.codec.Codec.LZ4.code()).putInt(36, claim);
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                crc.update(rec.array(), 0, 44);
                crc.update(rec.array(), 48, 3000);
                rec.putInt(44, (int) crc.getValue());
                ch.write(java.nio.ByteBuffer.wrap(rec.array(), 0, 48), second);
            }
            try (LocalStore s = factory.open(dir)) {
                List<String> problems = s.checkStorage(ProgressListener.NONE).problems();
                assertTrue(
                        problems.stream().anyMatch(p -> p.contains("offset " + second) && p.contains("raw length")),
                        problems.toString());
            }
        }
    }

    @Test
    void openingWhatIsNotARepositoryOrIsNewerFails() throws Exception {
        assertThrows(NotARepositoryException.class, () -> factory.open(dir));
        factory.create(dir, RepoConfig.defaults()).close();
        Path config = dir.resolve(".forge/config");
        Files.writeString(
                config, Files.readString(config).replace("\"format\" : " + RepoConfig.FORMAT, "\"format\" : 99"));
        ForgeException e = assertThrows(ForgeException.class, () -> factory.open(dir));
        assertTrue(e.getMessage().contains("upgrade forge"), e.getMessage());
        Files.writeString(config, "{not json", StandardCharsets.UTF_8);
        assertThrows(IntegrityException.class, () -> factory.open(dir));
    }
}
