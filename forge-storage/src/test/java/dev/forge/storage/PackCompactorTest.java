package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.codec.Codec;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gc's merge of small packs: every indexed record moves, and a pack that does not frame stays as it is. */
class PackCompactorTest {
    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();
    private final List<ObjectId> ids = new ArrayList<>();
    private final List<byte[]> raws = new ArrayList<>();

    /** Three packs of three chunks each, in one session (too few for the merge at close). */
    private void threePacks() {
        Random r = new Random(9);
        try (LocalStore store = factory.create(dir, RepoConfig.defaults())) {
            for (int pack = 0; pack < 3; pack++) {
                try (ObjectWriter w = store.objects().newWriter()) {
                    for (int i = 0; i < 3; i++) {
                        byte[] raw = new byte[5000];
                        r.nextBytes(raw);
                        ObjectId id = Blake3.newHasher().hash(ObjectType.CHUNK, raw, 0, raw.length);
                        w.put(id, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length);
                        ids.add(id);
                        raws.add(raw);
                    }
                }
            }
        }
    }

    private Set<String> packFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(".forge/packs"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void smallPacksBecomeOneAndEveryObjectStillReads() throws IOException {
        threePacks();
        assertEquals(3, packFiles().size());
        try (LocalStore store = factory.open(dir)) {
            LocalStore.CompactReport r = store.compact(ProgressListener.NONE);
            assertEquals(3, r.packsBefore());
            assertEquals(1, r.packsAfter());
            for (int i = 0; i < ids.size(); i++)
                assertArrayEquals(raws.get(i), store.objects().read(ids.get(i)));
            assertEquals(List.of(), store.checkStorage(ProgressListener.NONE).problems());
        }
        assertEquals(1, packFiles().size());
    }

    @Test
    void aPackThatDoesNotFrameIsNeverMergedAway() throws IOException {
        threePacks();
        Path damaged;
        try (Stream<Path> s = Files.list(dir.resolve(".forge/packs"))) {
            damaged = s.sorted().findFirst().orElseThrow();
        }
        long second = PackFormat.HEADER_SIZE + PackFormat.RECORD_HEADER_SIZE + 5000; // the second record's marker
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            f.seek(second);
            f.write(0);
        }
        try (LocalStore store = factory.open(dir)) {
            LocalStore.CompactReport r = store.compact(ProgressListener.NONE);
            assertEquals(3, r.packsBefore());
            assertEquals(2, r.packsAfter(), "the two intact packs are merged, the damaged one kept");
            int readable = 0;
            for (int i = 0; i < ids.size(); i++) {
                try {
                    assertArrayEquals(raws.get(i), store.objects().read(ids.get(i)));
                    readable++;
                } catch (dev.forge.core.error.IntegrityException e) {
                    assertTrue(e.getMessage().contains(damaged.getFileName().toString()), e.getMessage());
                }
            }
            assertEquals(8, readable, "only the chunk whose record was damaged is lost");
        }
        assertTrue(packFiles().contains(damaged.getFileName().toString()), "the damaged pack is still there");
    }
}
