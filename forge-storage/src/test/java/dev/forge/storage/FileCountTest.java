package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.codec.Codec;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Gc;
import dev.forge.core.repo.History;
import dev.forge.core.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The number of files a repository keeps, and a command holds open, does not grow with its history:
 * one session per add and per commit (as the CLI runs them) leaves a bounded number of index files,
 * write-ahead logs and packs; gc brings packs and index files down further; reading from more packs
 * than the channel cache holds keeps the open ones at its bound.
 */
class FileCountTest {
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();

    private long count(String sub, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(".forge").resolve(sub))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void aLargeWriteIsFlushedAtCloseSoLaterOpeningsDoNotReplayIt() {
        Repository.init(factory, dir, RepoConfig.defaults()).close();
        Path index = dir.resolve(".forge/index");
        try (RocksIndex db = RocksIndex.open(index, false);
                org.rocksdb.WriteBatch b = new org.rocksdb.WriteBatch()) {
            byte[] value = new byte[1024];
            for (int i = 0; i < 6 * 1024; i++) { // 6 MiB, above WAL_BYTES_LIMIT
                b.put(db.meta, ("k" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
            }
            db.write(b);
        } catch (org.rocksdb.RocksDBException e) {
            throw new IllegalStateException(e);
        }
        try (RocksIndex db = RocksIndex.open(index, RocksIndex.Access.READ_ONLY)) {
            assertEquals(0, db.walFiles(), "the log was flushed into table files at close");
            assertEquals(1024, db.get(db.meta, "k6000".getBytes(java.nio.charset.StandardCharsets.UTF_8)).length);
        }
    }

    @Test
    void manySessionsLeaveBoundedFilesAndGcCompactsThem() throws IOException {
        Repository.init(factory, dir, RepoConfig.defaults()).close();
        int commits = 60;
        for (int i = 0; i < commits; i++) {
            Files.writeString(dir.resolve("f" + (i % 7) + ".txt"), "version " + i + "\n");
            try (Repository repo = Repository.open(factory, dir)) {
                new Add(repo).run(dir, List.of("."), P);
            }
            try (Repository repo = Repository.open(factory, dir)) {
                new CommitOp(repo).run("c" + i, "Test <t@forge.invalid>", false);
            }
        }
        long packs = count("packs", ".pack");
        long tables = count("index", ".sst");
        long logs = count("index", ".log");
        // Without merging there would be ~3 packs per commit; without the flush and level-0 limits
        // one table file per family written per command.
        assertTrue(packs <= PackCompactor.AUTO_TRIGGER + 3, "packs: " + packs);
        assertTrue(logs <= RocksIndex.WAL_LIMIT, "write-ahead logs: " + logs);
        assertTrue(tables <= 7 * RocksIndex.FILES_PER_FAMILY_LIMIT, "table files: " + tables);
        try (RocksIndex index = RocksIndex.open(dir.resolve(".forge/index"), RocksIndex.Access.READ_ONLY)) {
            // the op log's keys only grow: without the compaction at close it would keep one file per flush
            index.filesPerFamily()
                    .forEach((family, c) -> assertTrue(
                            c[0] < RocksIndex.FILES_PER_FAMILY_LIMIT, family + " has " + c[0] + " table files"));
        }

        try (Repository repo = Repository.open(factory, dir)) {
            Gc.Report r = new Gc(repo).run(false, P);
            assertEquals(packs, r.compaction().packsBefore());
            assertTrue(r.compaction().packsAfter() <= 2, r.toString());
            assertTrue(r.compaction().indexFilesAfter() <= r.compaction().indexFilesBefore(), r.toString());
        }
        assertTrue(count("packs", ".pack") <= 2);
        assertTrue(count("index", ".sst") <= 8, "table files after gc: " + count("index", ".sst"));
        try (Repository repo = Repository.open(factory, dir)) {
            assertEquals(commits, new History(repo).log("HEAD", 1000).size());
            Fsck.Report f = new Fsck(repo).run(P);
            assertTrue(f.ok(), f.problems().toString());
        }
    }

    @Test
    void readingFromManyPacksKeepsFewOpen() throws IOException {
        // The object store alone: a whole store would merge these small packs when it closes.
        Files.createDirectories(dir.resolve("packs"));
        Files.createDirectories(dir.resolve("tmp"));
        List<ObjectId> ids = new ArrayList<>();
        List<byte[]> raws = new ArrayList<>();
        try (RocksIndex index = RocksIndex.open(dir.resolve("index"), RocksIndex.Access.CREATE)) {
            RocksObjectStore objects = new RocksObjectStore(index, dir.resolve("packs"), dir.resolve("tmp"), 1 << 18);
            try {
                Random r = new Random(4);
                for (int i = 0; i < RocksObjectStore.MAX_OPEN_PACKS + 20; i++) {
                    byte[] raw = new byte[100];
                    r.nextBytes(raw);
                    ObjectId id = Blake3.newHasher().hash(ObjectType.CHUNK, raw, 0, raw.length);
                    try (ObjectWriter w = objects.newWriter()) {
                        w.put(id, ObjectType.CHUNK, Codec.RAW, raw.length, raw, 0, raw.length);
                    }
                    ids.add(id);
                    raws.add(raw);
                }
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < ids.size(); i++) assertArrayEquals(raws.get(i), objects.read(ids.get(i)));
                    assertEquals(RocksObjectStore.MAX_OPEN_PACKS, objects.openPacks());
                }
            } finally {
                objects.close();
            }
        }
    }
}
