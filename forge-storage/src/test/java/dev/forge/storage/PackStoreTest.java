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

    @Test
    void openingWhatIsNotARepositoryOrIsNewerFails() throws Exception {
        assertThrows(NotARepositoryException.class, () -> factory.open(dir));
        factory.create(dir, RepoConfig.defaults()).close();
        Path config = dir.resolve(".forge/config");
        Files.writeString(config, Files.readString(config).replace("\"format\" : 1", "\"format\" : 99"));
        ForgeException e = assertThrows(ForgeException.class, () -> factory.open(dir));
        assertTrue(e.getMessage().contains("upgrade forge"), e.getMessage());
        Files.writeString(config, "{not json", StandardCharsets.UTF_8);
        assertThrows(IntegrityException.class, () -> factory.open(dir));
    }
}
