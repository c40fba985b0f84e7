package dev.forge.core.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.Codec;
import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link LocalStore} and {@link LocalStoreFactory} contract: creating, finding and reopening a
 * repository, its config, what a crash before flush leaves, usage, the storage check and gc's sweep.
 */
public abstract class LocalStoreContract extends StoreContract {
    @Test
    void theWorkTreeAndForgeDirAreRealFolders() {
        assertEquals(
                dir.toAbsolutePath().normalize(),
                store.workTree().toAbsolutePath().normalize());
        assertEquals(store.workTree().resolve(".forge"), store.forgeDir());
        assertTrue(Files.isDirectory(store.forgeDir()));
        assertEquals(RepoConfig.defaults(), store.config());
    }

    @Test
    void createRefusesAnExistingRepositoryAndOpenRefusesAFolderWithoutOne() throws Exception {
        store.close();
        store = null;
        assertThrows(ForgeException.class, () -> factory.create(dir, RepoConfig.defaults()));
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        assertThrows(NotARepositoryException.class, () -> factory.open(other.resolve("missing")));
        store = factory.open(dir);
        assertEquals(RepoConfig.defaults(), store.config());
    }

    @Test
    void findWorkTreeWalksUpToTheRepository() throws Exception {
        Path deep = dir.resolve("shots/010/plates");
        Files.createDirectories(deep);
        Path root = dir.toAbsolutePath().normalize();
        assertEquals(root, factory.findWorkTree(deep));
        assertEquals(root, factory.findWorkTree(dir));
        assertEquals(root, factory.findWorkTree(deep.resolve("../..")));
        Path outside = Files.createTempDirectory("forge-contract-outside-");
        try {
            assertNull(factory.findWorkTree(outside));
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void configChangesPersistButChunkingIsFixed() {
        RepoConfig changed =
                store.config().withCompression(CompressionPolicy.MAX).withGcGraceDays(3);
        store.saveConfig(changed);
        assertEquals(changed, store.config());
        RepoConfig otherChunking =
                new RepoConfig(RepoConfig.FORMAT, new ChunkerParams(1 << 13, 1 << 15, 1 << 17), CompressionPolicy.AUTO);
        assertThrows(ForgeException.class, () -> store.saveConfig(otherChunking));
        assertEquals(changed, store.config());
        reopen();
        assertEquals(changed, store.config());
    }

    @Test
    void flushedObjectsSurviveAReopenAndUnflushedOnesLeaveNoTrace() {
        byte[] kept = random(1, 5000);
        byte[] lost = random(2, 5000);
        ObjectId keptId;
        try (ObjectWriter w = store.objects().newWriter()) {
            keptId = putChunk(w, kept);
        }
        ObjectWriter crashed = store.objects().newWriter();
        ObjectId lostId = putChunk(crashed, lost);
        // A crash: the writer is never flushed or closed.
        reopen();
        assertArrayEquals(kept, store.objects().read(keptId));
        assertFalse(store.objects().contains(lostId));
        assertEquals(1, store.usage().objects());
        assertEquals(List.of(), store.checkStorage(ProgressListener.NONE).problems());
        try (ObjectWriter w = store.objects().newWriter()) {
            assertTrue(
                    w.put(lostId, ObjectType.CHUNK, Codec.RAW, lost.length, lost, 0, lost.length),
                    "an id a crashed writer held can be written again");
        }
        assertArrayEquals(lost, store.objects().read(lostId));
    }

    @Test
    void usageCountsObjectsChunksAndPackBytes() {
        LocalStore.StorageUsage empty = store.usage();
        assertEquals(0, empty.objects());
        assertEquals(0, empty.packs());
        byte[] a = random(3, 10_000);
        byte[] b = random(4, 20_000);
        byte[] tree = random(5, 300);
        try (ObjectWriter w = store.objects().newWriter()) {
            putChunk(w, a);
            putChunk(w, b);
            ObjectId treeId = Blake3.newHasher().hash(ObjectType.TREE, tree, 0, tree.length);
            w.put(treeId, ObjectType.TREE, Codec.RAW, tree.length, tree, 0, tree.length);
        }
        LocalStore.StorageUsage u = store.usage();
        assertEquals(3, u.objects());
        assertEquals(2, u.chunks());
        assertEquals(30_000, u.chunkRawBytes());
        assertEquals(1, u.packs());
        assertTrue(u.packBytes() >= 30_300, "pack bytes " + u.packBytes());
        assertTrue(u.packBytes() < 40_000, "pack bytes " + u.packBytes());
        LocalStore.StorageCheck check = store.checkStorage(ProgressListener.NONE);
        assertEquals(List.of(), check.problems());
        assertEquals(1, check.packs());
        assertEquals(3, check.records());
        assertEquals(3, check.indexEntries());
    }

    @Test
    void theStorageCheckNamesAnObjectThatDoesNotHashToItsId() {
        byte[] raw = random(6, 4000);
        ObjectId wrong = Blake3.newHasher().hash(random(7, 4000), 0, 4000);
        try (ObjectWriter w = store.objects().newWriter()) {
            putChunk(w, random(8, 4000));
            w.put(wrong, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length);
        }
        List<String> problems = store.checkStorage(ProgressListener.NONE).problems();
        assertFalse(problems.isEmpty());
        for (String p : problems) assertTrue(p.contains(wrong.shortHex()), "only the bad object is named: " + p);
    }

    /**
     * Three packs: one mostly dead (rewritten), one all dead (deleted), one mostly live (kept). The dry
     * run changes nothing; the sweep keeps every live object readable and drops every dead one.
     */
    @Test
    void sweepDropsWhatIsNotLiveAndKeepsTheRest() {
        List<List<ObjectId>> packs = new ArrayList<>();
        List<byte[]> raws = new ArrayList<>();
        int seed = 10;
        for (int pack = 0; pack < 3; pack++) {
            List<ObjectId> ids = new ArrayList<>();
            try (ObjectWriter w = store.objects().newWriter()) {
                for (int i = 0; i < 3; i++) {
                    byte[] raw = random(seed++, 10_000);
                    raws.add(raw);
                    ids.add(putChunk(w, raw));
                }
            }
            packs.add(ids);
        }
        LiveSet live = new LiveSet(16);
        live.add(packs.get(0).get(0));
        live.add(packs.get(2).get(0));
        live.add(packs.get(2).get(1));
        long bytesBefore = store.usage().packBytes();

        LocalStore.SweepReport dry = store.sweep(live, 0.5, true, ProgressListener.NONE);
        assertEquals(9, dry.objectsBefore());
        assertEquals(6, dry.deadObjects());
        assertEquals(3, dry.packsBefore());
        assertEquals(1, dry.packsRewritten());
        assertEquals(1, dry.packsDeleted());
        assertEquals(bytesBefore, dry.bytesBefore());
        assertTrue(dry.bytesAfter() < dry.bytesBefore());
        assertEquals(bytesBefore, store.usage().packBytes(), "a dry run changes nothing");
        for (int i = 0; i < 9; i++)
            assertArrayEquals(raws.get(i), store.objects().read(packs.get(i / 3).get(i % 3)));

        LocalStore.SweepReport r = store.sweep(live, 0.5, false, ProgressListener.NONE);
        assertEquals(dry, r);
        for (int i = 0; i < 9; i++) {
            ObjectId id = packs.get(i / 3).get(i % 3);
            if (live.contains(id)) {
                assertArrayEquals(raws.get(i), store.objects().read(id));
            } else {
                assertFalse(store.objects().contains(id), "dead object " + i + " is gone");
            }
        }
        assertEquals(3, store.usage().objects());
        assertEquals(2, store.usage().packs());
        assertTrue(store.usage().packBytes() < bytesBefore);
        assertEquals(List.of(), store.checkStorage(ProgressListener.NONE).problems());
        reopen();
        assertEquals(3, store.usage().objects());
        assertArrayEquals(raws.get(0), store.objects().read(packs.get(0).get(0)));
    }
}
