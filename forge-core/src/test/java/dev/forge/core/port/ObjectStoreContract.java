package dev.forge.core.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.codec.ChunkEncoder;
import dev.forge.core.codec.Codec;
import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The {@link ObjectStore} and {@link ObjectWriter} contract: visibility on flush, verified reads, order. */
public abstract class ObjectStoreContract extends StoreContract {
    private static byte[] data(long seed, int n, boolean compressible) {
        if (!compressible) return random(seed, n);
        byte[] b = new byte[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) b[i] = (byte) "abcdefgh".charAt(r.nextInt(8));
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void objectsRoundTripWithEveryCodec() throws Exception {
        List<ObjectId> ids = new ArrayList<>();
        List<byte[]> raws = new ArrayList<>();
        List<Integer> storedLengths = new ArrayList<>();
        try (ObjectWriter w = store.objects().newWriter()) {
            int seed = 0;
            for (CompressionPolicy p : CompressionPolicy.values()) {
                try (ChunkEncoder e = new ChunkEncoder(p, 1 << 20)) {
                    for (boolean compressible : new boolean[] {true, false}) {
                        byte[] raw = data(seed++, 70_000 + seed, compressible);
                        ObjectId id = Blake3.newHasher().hash(raw, 0, raw.length);
                        ChunkEncoder.Encoded x = e.encode(raw, 0, raw.length, false);
                        assertTrue(w.put(id, ObjectType.CHUNK, x.codec(), raw.length, x.buf(), x.off(), x.len()));
                        ids.add(id);
                        raws.add(raw);
                        storedLengths.add(x.len());
                    }
                }
            }
        }
        try (ChunkDecoder decoder = new ChunkDecoder()) {
            for (int i = 0; i < ids.size(); i++) {
                ObjectId id = ids.get(i);
                byte[] raw = raws.get(i);
                assertTrue(store.objects().contains(id));
                assertArrayEquals(raw, store.objects().read(id));
                assertArrayEquals(raw, bytes(store.objects().readChunk(id)));
                StoredObject stat = store.objects().stat(id).orElseThrow();
                assertEquals(ObjectType.CHUNK, stat.type());
                assertEquals(raw.length, stat.rawLength());
                assertEquals((int) storedLengths.get(i), stat.storedLength());
                ObjectStore.StoredRecord rec = store.objects().readStored(id);
                assertEquals(stat.codec(), rec.codec());
                assertEquals(raw.length, rec.rawLength());
                assertArrayEquals(raw, decoder.decode(rec.codec(), rec.payload(), 0, rec.payload().length, raw.length));
            }
        }
        assertTrue(
                ids.stream()
                        .map(id -> store.objects().stat(id).orElseThrow().codec())
                        .anyMatch(c -> c != Codec.RAW),
                "some compressible chunk is stored compressed");
    }

    @Test
    void nothingIsVisibleBeforeFlushAndDuplicatesAreStoredOnce() {
        byte[] raw = random(1, 1000);
        ObjectWriter w = store.objects().newWriter();
        ObjectId id = putChunk(w, raw);
        assertThrows(NotFoundException.class, () -> store.objects().read(id));
        assertTrue(store.objects().stat(id).isEmpty());
        try (ObjectWriter other = store.objects().newWriter()) {
            assertFalse(
                    other.put(id, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length),
                    "another writer must not store an id that is being written");
        }
        w.close();
        assertArrayEquals(raw, store.objects().read(id));
        try (ObjectWriter again = store.objects().newWriter()) {
            assertFalse(again.put(id, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length));
        }
        assertEquals(1, store.usage().objects());
    }

    @Test
    void flushPublishesWithoutClosingTheWriter() {
        try (ObjectWriter w = store.objects().newWriter()) {
            ObjectId first = putChunk(w, random(2, 500));
            w.flush();
            assertArrayEquals(random(2, 500), store.objects().read(first));
            ObjectId second = putChunk(w, random(3, 500));
            assertFalse(store.objects().stat(second).isPresent());
            w.flush();
            assertArrayEquals(random(3, 500), store.objects().read(second));
        }
    }

    @Test
    void aMissingObjectIsNotFound() {
        ObjectId id = Blake3.newHasher().hash(new byte[] {1}, 0, 1);
        assertFalse(store.objects().contains(id));
        assertTrue(store.objects().stat(id).isEmpty());
        assertThrows(NotFoundException.class, () -> store.objects().read(id));
        assertThrows(NotFoundException.class, () -> store.objects().readChunk(id));
        assertThrows(NotFoundException.class, () -> store.objects().readStored(id));
    }

    /**
     * Writers trust the id they are given; reads re-hash. Bytes under another object's id, and a tree
     * stored under the plain (chunk) hash of its bytes, are refused on every read path.
     */
    @Test
    void anObjectThatDoesNotHashToItsIdIsRefusedOnRead() {
        byte[] raw = random(4, 2000);
        ObjectId wrong = Blake3.newHasher().hash(random(5, 2000), 0, 2000);
        byte[] tree = random(6, 100);
        ObjectId chunkHashOfTree = Blake3.newHasher().hash(tree, 0, tree.length);
        try (ObjectWriter w = store.objects().newWriter()) {
            assertTrue(w.put(wrong, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length));
            assertTrue(w.put(chunkHashOfTree, ObjectType.TREE, Codec.RAW, tree.length, tree, 0, tree.length));
        }
        for (ObjectId id : List.of(wrong, chunkHashOfTree)) {
            IntegrityException e =
                    assertThrows(IntegrityException.class, () -> store.objects().read(id));
            assertTrue(e.getMessage().contains(id.shortHex()), e.getMessage());
            assertThrows(IntegrityException.class, () -> store.objects().readChunk(id));
            assertThrows(IntegrityException.class, () -> store.objects().readStored(id));
        }
    }

    @Test
    void forEachAndFindByHexPrefixAreInIdOrder() {
        List<ObjectId> ids = new ArrayList<>();
        try (ObjectWriter w = store.objects().newWriter()) {
            for (int i = 0; i < 40; i++) ids.add(putChunk(w, random(100 + i, 64)));
        }
        List<ObjectId> sorted = ids.stream().sorted().toList();
        List<ObjectId> seen = new ArrayList<>();
        store.objects().forEach(o -> seen.add(o.id()));
        assertEquals(sorted, seen);

        for (String prefix :
                List.of(sorted.get(7).hex().substring(0, 1), sorted.get(7).hex().substring(0, 2))) {
            List<ObjectId> expected =
                    sorted.stream().filter(id -> id.hex().startsWith(prefix)).toList();
            List<ObjectId> found = store.objects().findByHexPrefix(prefix, 50).stream()
                    .map(StoredObject::id)
                    .toList();
            assertEquals(expected, found, "prefix " + prefix);
        }
        assertEquals(
                sorted.subList(0, 3),
                store.objects().findByHexPrefix("", 3).stream()
                        .map(StoredObject::id)
                        .toList());
        assertEquals(
                List.of(sorted.get(9)),
                store.objects().findByHexPrefix(sorted.get(9).hex(), 50).stream()
                        .map(StoredObject::id)
                        .toList());
    }

    /** Many writers on many threads, overlapping ids: every id ends up stored, under one index entry. */
    @Test
    void writersOnManyThreadsTogetherStoreEveryId() throws Exception {
        int n = 60;
        List<byte[]> raws = new ArrayList<>();
        for (int i = 0; i < n; i++) raws.add(random(200 + i, 3000));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t * 10;
                results.add(pool.submit(() -> {
                    int stored = 0;
                    try (ObjectWriter w = store.objects().newWriter()) {
                        for (int i = 0; i < n; i++) {
                            byte[] raw = raws.get((start + i) % n);
                            ObjectId id = Blake3.newHasher().hash(raw, 0, raw.length);
                            if (w.put(id, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length)) stored++;
                        }
                    }
                    return stored;
                }));
            }
            int stored = 0;
            for (Future<Integer> f : results) stored += f.get();
            assertTrue(stored >= n, "stored " + stored);
        } finally {
            pool.shutdown();
        }
        for (byte[] raw : raws) {
            assertArrayEquals(raw, store.objects().read(Blake3.newHasher().hash(raw, 0, raw.length)));
        }
        assertEquals(n, store.usage().objects());
    }
}
