package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import dev.forge.core.repo.Undo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * The stage and stat cache in {@code .forge/stage} (docs/format.md, "Stage file"): the file round-trips,
 * damage is found by its checksum and reported as an integrity error that {@code repair --index}
 * mends, a write stopped at any point leaves the old stage or the new one, undo brings the stage back,
 * and a repository that still keeps its stage in the index (made before the file) reads as before and
 * moves it into the file on its first write, keeping the digest its last commit recorded.
 */
class StageFileTest {
    private static final ProgressListener P = ProgressListener.NONE;
    private static final String AUTHOR = "Test <test@forge.invalid>";

    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();

    @BeforeEach
    void repository() throws IOException {
        committedAndStaged(factory, dir);
    }

    /** a.txt and d/b.txt committed, c.txt staged: the repository these tests and StatusSnapshotTest start from. */
    static void committedAndStaged(dev.forge.core.port.LocalStoreFactory factory, Path dir) throws IOException {
        Files.writeString(dir.resolve("a.txt"), "one\n");
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/b.txt"), "two\n");
        try (Repository repo = Repository.init(factory, dir, RepoConfig.defaults())) {
            new Add(repo).run(dir, List.of("."), P);
            new CommitOp(repo).run("one", AUTHOR, false);
        }
        Files.writeString(dir.resolve("c.txt"), "staged\n");
        try (Repository repo = Repository.open(factory, dir)) {
            new Add(repo).run(dir, List.of("c.txt"), P);
        }
    }

    private Path forge() {
        return dir.resolve(".forge");
    }

    private record Seen(SortedMap<String, StageEntry> stage, long digest, List<Status.Change> staged) {}

    private Seen seen() {
        SortedMap<String, StageEntry> stage = new TreeMap<>();
        long digest;
        try (dev.forge.core.port.LocalStore store = factory.open(dir)) {
            digest = store.metadata().forEachStage(e -> stage.put(e.path(), e));
        }
        try (Repository repo = Repository.open(factory, dir)) {
            return new Seen(stage, digest, new Status(repo).run(P).staged());
        }
    }

    private static byte[][] kv(String k, String v) {
        return new byte[][] {k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)};
    }

    @Test
    void theFileRoundTripsAndMergesChangesInPathOrder() {
        List<byte[][]> stage = List.<byte[][]>of(kv("a", "1"), kv("b/c", "2"), kv("\u00e9", "3"));
        List<byte[][]> stat = List.<byte[][]>of(kv("a", "s1"));
        byte[] bytes = StageFile.encode(42, stage, stat);
        StageFile f = StageFile.parse(Path.of("stage"), ByteBuffer.wrap(bytes));
        assertEquals(42, f.generation);
        assertEquals(StageFile.digestOf(stage), f.stageDigest);
        assertEquals(3, f.stageCount());
        assertEquals(1, f.statCount());
        assertArrayEquals("2".getBytes(StandardCharsets.UTF_8), f.stageValue("b/c".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("s1".getBytes(StandardCharsets.UTF_8), f.statValue("a".getBytes(StandardCharsets.UTF_8)));
        assertNull(f.stageValue("b".getBytes(StandardCharsets.UTF_8)));

        SortedMap<byte[], byte[]> changes = new TreeMap<>(StageFile.KEY_ORDER);
        changes.put("a".getBytes(StandardCharsets.UTF_8), null); // delete
        changes.put("b/a".getBytes(StandardCharsets.UTF_8), "new".getBytes(StandardCharsets.UTF_8));
        changes.put("z".getBytes(StandardCharsets.UTF_8), "last".getBytes(StandardCharsets.UTF_8));
        List<String> merged = new ArrayList<>();
        for (byte[][] e : StageFile.merge(f.stageList(), changes, false))
            merged.add(new String(e[0], StandardCharsets.UTF_8) + "=" + new String(e[1], StandardCharsets.UTF_8));
        assertEquals(List.of("b/a=new", "b/c=2", "z=last", "\u00e9=3"), merged);
    }

    @Test
    void aFileWithChangesCopiedRunByRunIsTheFileEncodedFromMergedLists() {
        java.util.Random rnd = new java.util.Random(16);
        for (int round = 0; round < 200; round++) {
            SortedMap<byte[], byte[]> stage = new TreeMap<>(StageFile.KEY_ORDER);
            SortedMap<byte[], byte[]> stat = new TreeMap<>(StageFile.KEY_ORDER);
            int n = rnd.nextInt(30);
            for (int i = 0; i < n; i++) {
                byte[][] e = kv("p" + rnd.nextInt(60), "v" + rnd.nextInt(1000));
                stage.put(e[0], e[1]);
                if (rnd.nextBoolean()) stat.put(e[0], kv("", "s" + rnd.nextInt(1000))[1]);
            }
            byte[] cache = rnd.nextBoolean() ? null : kv("", "cache" + round)[1];
            StageFile f = StageFile.parse(
                    Path.of("stage"), ByteBuffer.wrap(StageFile.encode(1, list(stage), list(stat), cache)));
            SortedMap<byte[], byte[]> stageChanges = new TreeMap<>(StageFile.KEY_ORDER);
            SortedMap<byte[], byte[]> statChanges = new TreeMap<>(StageFile.KEY_ORDER);
            for (int i = rnd.nextInt(6); i > 0; i--) {
                byte[][] e = kv("p" + rnd.nextInt(60), "w" + rnd.nextInt(1000));
                stageChanges.put(e[0], rnd.nextInt(3) == 0 ? null : e[1]);
            }
            for (int i = rnd.nextInt(4); i > 0; i--) {
                byte[][] e = kv("p" + rnd.nextInt(60), "t" + rnd.nextInt(1000));
                statChanges.put(e[0], rnd.nextInt(3) == 0 ? null : e[1]);
            }
            boolean cleared = rnd.nextInt(10) == 0;
            byte[] newCache = rnd.nextBoolean() ? cache : kv("", "new" + round)[1];
            byte[] expected = StageFile.encode(
                    2,
                    StageFile.merge(cleared ? List.of() : f.stageList(), stageChanges, false),
                    StageFile.merge(f.statList(), statChanges, false),
                    newCache);
            assertArrayEquals(expected, f.with(2, stageChanges, cleared, statChanges, newCache), "round " + round);
        }
    }

    private static List<byte[][]> list(SortedMap<byte[], byte[]> m) {
        List<byte[][]> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new byte[][] {k, v}));
        return out;
    }

    @Test
    void aTreeCacheMakesVersion2AndAFileWithoutOneStaysVersion1() {
        List<byte[][]> stage = List.<byte[][]>of(kv("a", "1"), kv("b/c", "2"));
        byte[] cache = "opaque tree cache".getBytes(StandardCharsets.UTF_8);
        byte[] v2 = StageFile.encode(5, stage, List.of(), cache);
        assertEquals(2, ByteBuffer.wrap(v2).getInt(8));
        StageFile f = StageFile.parse(Path.of("stage"), ByteBuffer.wrap(v2));
        assertArrayEquals(cache, f.cache());
        assertEquals(2, f.stageCount());
        assertEquals(StageFile.digestOf(stage), f.stageDigest, "the cache is not part of the stage's digest");
        byte[] v1 = StageFile.encode(5, stage, List.of());
        assertEquals(1, ByteBuffer.wrap(v1).getInt(8), "what an older forge reads");
        assertNull(StageFile.parse(Path.of("stage"), ByteBuffer.wrap(v1)).cache());
        for (int i = 0; i < v2.length; i++) {
            byte[] bad = v2.clone();
            bad[i] ^= 0x10;
            int at = i;
            assertThrows(
                    IntegrityException.class,
                    () -> StageFile.parse(Path.of("stage"), ByteBuffer.wrap(bad)),
                    "a flipped bit at " + at + " must be found");
        }
        // a section length that runs past the end, under a checksum that matches
        ByteBuffer b = ByteBuffer.wrap(v2.clone());
        int lengthAt = v2.length - 4 - cache.length - 4;
        b.putInt(lengthAt, cache.length + 1);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 0, v2.length - 4);
        b.putInt(v2.length - 4, (int) crc.getValue());
        IntegrityException e =
                assertThrows(IntegrityException.class, () -> StageFile.parse(Path.of("stage"), b.rewind()));
        assertTrue(e.getMessage().contains("tree cache"), e.getMessage());
    }

    /** The root tree of a commit of the same files made in a new repository (no cache ever involved). */
    private dev.forge.core.model.ObjectId freshTree() throws IOException {
        Path copy = dir.resolveSibling(dir.getFileName() + "-fresh");
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (dir.relativize(p).startsWith(".forge")
                        || p.getFileName().toString().equals("stage.old")) continue;
                Path to = copy.resolve(dir.relativize(p).toString());
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
        try (Repository repo = Repository.init(factory, copy, RepoConfig.defaults())) {
            new Add(repo).run(copy, List.of("."), P);
            var c = new CommitOp(repo).run("fresh", AUTHOR, false);
            return repo.objects().commit(c.commit()).tree();
        }
    }

    @Test
    void theTreeCacheRidesWithTheStageAndAFileWithoutOneStillReads() throws IOException {
        Path file = forge().resolve(StageFile.FILE);
        Seen before = seen(); // (its status may refresh the stat cache: a new generation)
        StageFile f = StageFile.read(file);
        assertNotNull(f.cache(), "add stored a tree cache with the stage");
        assertEquals(2, ByteBuffer.wrap(Files.readAllBytes(file)).getInt(8));
        // the same stage as an older forge writes it: version 1, no cache, same generation
        Files.write(file, StageFile.encode(f.generation, f.stageList(), f.statList()));
        assertEquals(before, seen());
        Files.writeString(dir.resolve("d/e.txt"), "new\n");
        try (Repository repo = Repository.open(factory, dir)) {
            new Add(repo).run(dir, List.of("d/e.txt"), P);
            assertNotNull(StageFile.read(file).cache(), "the next stage write stores a cache again");
            var c = new CommitOp(repo).run("two", AUTHOR, false);
            assertEquals(freshTree(), repo.objects().commit(c.commit()).tree());
        }
        // a status that refreshes the stat cache without the index keeps the tree cache
        byte[] cache = StageFile.read(file).cache();
        Files.setLastModifiedTime(
                dir.resolve("a.txt"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        try (Repository repo = Repository.open(factory, dir, dev.forge.core.port.LocalStoreFactory.Mode.SHARED)) {
            new Status(repo).run(P);
        }
        assertArrayEquals(cache, StageFile.read(file).cache());
    }

    @Test
    void damageAndUnknownVersionsAreIntegrityErrors() {
        byte[] bytes = StageFile.encode(7, List.<byte[][]>of(kv("a", "1")), List.of());
        for (int i = 0; i < bytes.length; i++) {
            byte[] bad = bytes.clone();
            bad[i] ^= 0x10;
            int at = i;
            assertThrows(
                    IntegrityException.class,
                    () -> StageFile.parse(Path.of("stage"), ByteBuffer.wrap(bad)),
                    "a flipped bit at " + at + " must be found");
        }
        IntegrityException shortFile = assertThrows(
                IntegrityException.class,
                () -> StageFile.parse(Path.of("stage"), ByteBuffer.wrap(java.util.Arrays.copyOf(bytes, 20))));
        assertTrue(shortFile.getMessage().contains("repair --index"), shortFile.getMessage());
    }

    @Test
    void theStageIsInTheFileAndADamagedFileIsReportedThenRepaired() throws IOException {
        Seen before = seen();
        assertEquals(
                List.of("a.txt", "c.txt", "d/b.txt"), List.copyOf(before.stage().keySet()));
        assertTrue(Files.isRegularFile(forge().resolve(StageFile.FILE)));

        byte[] bytes = Files.readAllBytes(forge().resolve(StageFile.FILE));
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(forge().resolve(StageFile.FILE), bytes);
        try (Repository repo = Repository.open(factory, dir)) {
            IntegrityException e = assertThrows(IntegrityException.class, () -> new Status(repo).run(P));
            assertTrue(e.getMessage().contains("stage file"), e.getMessage());
            assertTrue(e.getMessage().contains("'forge repair --index'"), e.getMessage());
        }
        Repository.rebuildIndex(factory, dir, P);
        Seen after = seen();
        assertEquals(before.stage(), after.stage(), "the stage comes back from the op log's last snapshot");
        assertEquals(before.staged(), after.staged());
    }

    /**
     * Adds e.txt, then puts the stage file back as it was and the new one under its temporary name: as
     * if killed after the index named the new file (and the tree it records), before the rename.
     */
    private void addStoppedBeforeTheRename() throws IOException {
        Path file = forge().resolve(StageFile.FILE);
        Path old = dir.resolve("stage.old");
        Files.copy(file, old);
        Files.writeString(dir.resolve("e.txt"), "new\n");
        try (Repository repo = Repository.open(factory, dir)) {
            new Add(repo).run(dir, List.of("e.txt"), P);
        }
        Files.move(file, forge().resolve(StageFile.NEW_FILE));
        Files.copy(old, file);
    }

    @Test
    void aWriteStoppedBeforeTheRenameIsFinishedByTheNextOpen() throws IOException {
        addStoppedBeforeTheRename();
        Seen s = seen();
        assertTrue(s.stage().containsKey("e.txt"), "the committed write is what the next command sees");
        assertFalse(Files.exists(forge().resolve(StageFile.NEW_FILE)), "the next open renames it into place");
        assertTrue(seen().stage().containsKey("e.txt"));
    }

    /**
     * Commits the stage and checks the commit against the work tree: every staged file comes back with
     * the bytes it was added with, and nothing else.
     */
    private void commitRestoresTheWorkTree(String message, List<String> expected) throws IOException {
        Path out = dir.resolveSibling(dir.getFileName() + "-" + message);
        try (Repository repo = Repository.open(factory, dir)) {
            new CommitOp(repo).run(message, AUTHOR, false);
            new dev.forge.core.repo.Checkout(repo).into("HEAD", out, P);
        }
        List<String> found = new ArrayList<>();
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = out.relativize(f).toString();
                if (rel.startsWith(".forge")) continue;
                found.add(rel);
                assertArrayEquals(Files.readAllBytes(dir.resolve(rel)), Files.readAllBytes(f), rel);
            }
        }
        found.sort(null);
        assertEquals(expected, found);
    }

    @Test
    void anAddRecordsTheTreeOfTheStageItWritesUnderThatFilesDigest() throws IOException {
        try (dev.forge.core.port.LocalStore store = factory.open(dir)) {
            var meta = store.metadata();
            var known = meta.stageTree().orElseThrow();
            assertEquals(meta.forEachStage(e -> {}), known.stageDigest(), "the add of c.txt recorded its stage");
            assertEquals(meta.stageView().digest(), known.stageDigest());
        }
        commitRestoresTheWorkTree("two", List.of("a.txt", "c.txt", "d/b.txt"));
    }

    @Test
    void aCommitAfterAWriteStoppedBeforeTheRenameTakesTheTreeOfTheNewStage() throws IOException {
        addStoppedBeforeTheRename();
        commitRestoresTheWorkTree("two", List.of("a.txt", "c.txt", "d/b.txt", "e.txt"));
    }

    @Test
    void aCommitAfterAWriteStoppedBeforeTheIndexBatchTakesTheOldStage() throws IOException {
        // as if killed after writing stage.new (of another stage), before the index batch that names it
        // and the tree of that stage
        Files.write(
                forge().resolve(StageFile.NEW_FILE), StageFile.encode(99, List.<byte[][]>of(kv("x", "1")), List.of()));
        Files.writeString(dir.resolve("e.txt"), "not added\n");
        commitRestoresTheWorkTree("two", List.of("a.txt", "c.txt", "d/b.txt"));
    }

    @Test
    void aFileTheIndexDoesNotNameIsLeftOutAndOverwritten() throws IOException {
        Seen before = seen();
        // as if killed after writing stage.new, before the index batch
        Files.write(
                forge().resolve(StageFile.NEW_FILE), StageFile.encode(99, List.<byte[][]>of(kv("x", "1")), List.of()));
        assertEquals(before.stage(), seen().stage());
        Files.writeString(dir.resolve("e.txt"), "new\n");
        try (Repository repo = Repository.open(factory, dir)) {
            new Add(repo).run(dir, List.of("e.txt"), P);
        }
        Seen after = seen();
        assertTrue(after.stage().containsKey("e.txt"));
        assertFalse(after.stage().containsKey("x"));
        assertFalse(Files.exists(forge().resolve(StageFile.NEW_FILE)));
    }

    @Test
    void undoPutsTheStageBack() throws IOException {
        Seen before = seen();
        Files.writeString(dir.resolve("a.txt"), "changed\n");
        try (Repository repo = Repository.open(factory, dir)) {
            new Add(repo).run(dir, List.of("a.txt"), P);
        }
        assertNotEquals(before.stage().get("a.txt"), seen().stage().get("a.txt"));
        try (Repository repo = Repository.open(factory, dir)) {
            new Undo(repo).run(P);
        }
        Seen after = seen();
        assertEquals(before.stage(), after.stage());
        assertEquals(before.digest(), after.digest());
    }

    /** Every file under {@code dir} with its size and modification time. */
    private static SortedMap<String, String> files(Path dir) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList())
                out.put(dir.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p));
        }
        return out;
    }

    @Test
    void statusOpenedToReadRefreshesTheStatCacheWithoutWritingTheIndex() throws IOException {
        Path a = dir.resolve("a.txt");
        java.nio.file.attribute.FileTime hourAgo =
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        Files.setLastModifiedTime(a, hourAgo); // same bytes, new mtime: status must read it once
        SortedMap<String, String> index = files(forge().resolve("index"));
        try (Repository repo = Repository.open(factory, dir, dev.forge.core.port.LocalStoreFactory.Mode.SHARED)) {
            assertTrue(repo.readOnly());
            Status.Report r = new Status(repo).run(P);
            assertEquals(List.of(), r.unstaged());
            assertThrows(
                    dev.forge.core.error.ReadOnlyRepositoryException.class,
                    () -> new Add(repo).run(dir, List.of("a.txt"), P));
        }
        assertEquals(index, files(forge().resolve("index")), "nothing under .forge/index was written");
        StageFile f = StageFile.read(forge().resolve(StageFile.FILE));
        byte[] v = f.statValue("a.txt".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                hourAgo.to(java.util.concurrent.TimeUnit.NANOSECONDS),
                IndexCodec.decodeStat("a.txt", v).mtimeNanos(),
                "the stat cache holds the new mtime");
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(forge(), StageFile.TMP_PREFIX + "*")) {
            assertFalse(ds.iterator().hasNext(), "no temporary file is left");
        }
        assertEquals(List.of(new Status.Change("c.txt", Status.ChangeKind.ADDED)), seen().staged());
    }

    /**
     * Turns the repository into one made before the stage file: stage and stat cache in the index's
     * column families, no {@code STAGE_FILE} key, no file.
     */
    private void toIndexStage() throws IOException {
        StageFile f = StageFile.read(forge().resolve(StageFile.FILE));
        try (RocksIndex index = RocksIndex.open(forge().resolve("index"), false);
                WriteBatch b = new WriteBatch()) {
            for (byte[][] e : f.stageList()) b.put(index.stage, e[0], e[1]);
            for (byte[][] e : f.statList()) b.put(index.stat, e[0], e[1]);
            b.delete(index.meta, RocksMetadataStore.STAGE_FILE_KEY);
            index.write(b);
        } catch (org.rocksdb.RocksDBException e) {
            throw new IllegalStateException(e);
        }
        Files.delete(forge().resolve(StageFile.FILE));
        Path config = forge().resolve("config");
        Files.writeString(config, Files.readString(config).replaceFirst("\"format\"\\s*:\\s*2", "\"format\": 1"));
        assertEquals(1, ConfigFile.read(config).format());
    }

    @Test
    void anOldRepositoryReadsAsBeforeAndMovesItsStageIntoTheFileOnItsFirstWrite() throws IOException {
        try (Repository repo = Repository.open(factory, dir)) {
            new CommitOp(repo).run("two", AUTHOR, false); // records the stage's digest with its tree
        }
        Seen before = seen();
        toIndexStage();
        try (dev.forge.core.port.LocalStore store =
                factory.open(dir, dev.forge.core.port.LocalStoreFactory.Mode.READ)) {
            store.metadata().forEachStage(e -> {});
        }
        assertFalse(Files.exists(forge().resolve(StageFile.FILE)), "reading does not move the stage");
        // (A status may move it: refreshing the stat cache is a write, once files are old enough to cache.)
        Seen old = seen();
        assertEquals(before, old, "same entries, same digest, same status");

        Files.writeString(dir.resolve("e.txt"), "new\n");
        try (Repository repo = Repository.open(factory, dir)) {
            new Add(repo).run(dir, List.of("e.txt"), P);
        }
        assertTrue(Files.isRegularFile(forge().resolve(StageFile.FILE)));
        assertEquals(2, ConfigFile.read(forge().resolve("config")).format(), "marked as the format with the file");
        Seen moved = seen();
        assertEquals(
                List.of("a.txt", "c.txt", "d/b.txt", "e.txt"),
                List.copyOf(moved.stage().keySet()));
        assertEquals(List.of(new Status.Change("e.txt", Status.ChangeKind.ADDED)), moved.staged());
        try (RocksIndex index = RocksIndex.open(forge().resolve("index"), RocksIndex.Access.READ_ONLY)) {
            try (var it = index.db.newIterator(index.stage)) {
                it.seekToFirst();
                assertFalse(it.isValid(), "the index's copy of the stage is gone");
            }
            try (var it = index.db.newIterator(index.stat)) {
                it.seekToFirst();
                assertFalse(it.isValid(), "the index's copy of the stat cache is gone");
            }
        }
    }

    @Test
    void changesComeOutInKeyOrderWithTheLastChangeOfAKey() {
        java.util.Random rnd = new java.util.Random(11);
        for (int round = 0; round < 200; round++) {
            StageFile.Changes changes = new StageFile.Changes();
            SortedMap<byte[], byte[]> expected = new TreeMap<>(StageFile.KEY_ORDER);
            int n = rnd.nextInt(50);
            boolean inOrder = round % 2 == 0; // in key order (as an add makes them), or any order with repeats
            for (int i = 0; i < n; i++) {
                byte[] k =
                        (inOrder ? String.format("p%05d", i) : "p" + rnd.nextInt(20)).getBytes(StandardCharsets.UTF_8);
                byte[] v = rnd.nextInt(4) == 0 ? null : new byte[] {(byte) i};
                changes.put(k, v);
                expected.put(k, v);
            }
            List<String> want = new ArrayList<>();
            for (var e : expected.entrySet())
                want.add(
                        new String(e.getKey(), StandardCharsets.UTF_8) + "=" + java.util.Arrays.toString(e.getValue()));
            List<String> got = new ArrayList<>();
            for (var e : changes.sorted())
                got.add(new String(e.getKey(), StandardCharsets.UTF_8) + "=" + java.util.Arrays.toString(e.getValue()));
            assertEquals(want, got, "round " + round);
        }
    }
}
