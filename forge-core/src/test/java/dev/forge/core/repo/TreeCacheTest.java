package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.Tree;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree cache kept with the stage ({@link TreeCache}): snapshots and commits that take unchanged
 * folders' trees from it name exactly the trees a full write names (checked against the way trees were
 * written before the cache, over many random edits and through add, rm, mv, commit and undo), and a
 * record that does not match the stage as it is (stale, forged, garbage, its tree gone) is not used.
 */
class TreeCacheTest {
    private static final ProgressListener P = ProgressListener.NONE;
    private static final String AUTHOR = "Test <test@forge.invalid>";

    @TempDir
    Path dir;

    private Repository repo;

    @BeforeEach
    void repository() {
        repo = Repository.init(new MemLocalStoreFactory(), dir, RepoConfig.defaults());
    }

    @AfterEach
    void close() {
        repo.close();
    }

    private ObjectSink sink() {
        return new ObjectSink(
                repo.store().objects(),
                repo.config().compression(),
                repo.config().chunking().maxSize());
    }

    // ---- the reference: trees as they were written before the cache (a map of folders, each written whole)

    private static final class RefDir {
        final TreeMap<String, RefDir> dirs = new TreeMap<>();
        final TreeMap<String, StageEntry> files = new TreeMap<>();

        TreeEntry write(String path, ObjectSink sink, Map<String, ObjectId> ids) {
            List<TreeEntry> list = new ArrayList<>();
            for (var f : files.entrySet()) {
                StageEntry e = f.getValue();
                list.add(new TreeEntry(
                        f.getKey(),
                        e.kind(),
                        e.content().type(),
                        e.content().id(),
                        e.content().size()));
            }
            for (var d : dirs.entrySet()) {
                TreeEntry sub = d.getValue().write(path.isEmpty() ? d.getKey() : path + "/" + d.getKey(), sink, ids);
                list.add(new TreeEntry(d.getKey(), FileKind.DIRECTORY, ObjectType.TREE, sub.id(), sub.size()));
            }
            Tree t = new Tree(list);
            ObjectId id = sink.putObject(ObjectType.TREE, t.encode());
            ids.put(path, id);
            return new TreeEntry("-", FileKind.DIRECTORY, ObjectType.TREE, id, t.totalSize());
        }
    }

    /** The root tree of {@code entries} written the old way; every folder's tree id into {@code ids}. */
    private static ObjectId reference(Collection<StageEntry> entries, ObjectSink sink, Map<String, ObjectId> ids) {
        RefDir root = new RefDir();
        for (StageEntry e : entries) {
            String[] parts = e.path().split("/");
            RefDir d = root;
            for (int i = 0; i < parts.length - 1; i++) d = d.dirs.computeIfAbsent(parts[i], k -> new RefDir());
            d.files.put(parts[parts.length - 1], e);
        }
        return root.write("", sink, ids).id();
    }

    private ObjectId reference(Collection<StageEntry> entries) {
        try (ObjectSink sink = sink()) {
            ObjectId id = reference(entries, sink, new HashMap<>());
            sink.flush();
            return id;
        }
    }

    // ---- random stages

    private static final String[] NAMES = {
        "a", "a.txt", "a0", "a-b", "B", "b", "\u00e9", "z\uD83D\uDE00", "\uFF21", "seq_001", "x y", "frame.0000001.bin"
    };

    private static ContentRef content(Random rnd) {
        byte[] id = new byte[32];
        rnd.nextBytes(id);
        return new ContentRef(
                rnd.nextBoolean() ? ObjectType.CHUNK : ObjectType.LIST,
                ObjectId.of(id),
                rnd.nextInt(4) == 0 ? (1L << 33) + rnd.nextInt(1000) : rnd.nextInt(100_000));
    }

    private static String randomPath(Random rnd) {
        int depth = 1 + rnd.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) sb.append('/');
            sb.append(NAMES[rnd.nextInt(NAMES.length)]);
        }
        return sb.toString();
    }

    /** Whether {@code path} can join {@code stage} without a path being both a file and a folder. */
    private static boolean fits(SortedMap<String, StageEntry> stage, String path) {
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            if (stage.containsKey(path.substring(0, slash))) return false;
        }
        for (String p : stage.keySet()) {
            if (p.startsWith(path + "/")) return false;
        }
        return true;
    }

    private static String pick(Random rnd, SortedMap<String, StageEntry> stage) {
        List<String> keys = new ArrayList<>(stage.keySet());
        return keys.get(rnd.nextInt(keys.size()));
    }

    /**
     * One random edit of {@code stage}; returns the path of a file whose content alone changed (only then
     * the folders on its path need new trees), or null.
     */
    private static String edit(Random rnd, SortedMap<String, StageEntry> stage) {
        int op = stage.size() < 20 ? 0 : rnd.nextInt(7);
        switch (op) {
            case 0, 1 -> { // add a file
                String p = randomPath(rnd);
                if (!stage.containsKey(p) && fits(stage, p))
                    stage.put(p, new StageEntry(p, FileKind.FILE, content(rnd)));
            }
            case 2, 3 -> { // change a file's content
                String p = pick(rnd, stage);
                stage.put(p, new StageEntry(p, stage.get(p).kind(), content(rnd)));
                return p;
            }
            case 4 -> stage.remove(pick(rnd, stage)); // rm
            case 5 -> { // mv, the same content at a new path
                String from = pick(rnd, stage);
                StageEntry e = stage.remove(from);
                String to = randomPath(rnd);
                if (!stage.containsKey(to) && fits(stage, to)) stage.put(to, new StageEntry(to, e.kind(), e.content()));
                else stage.put(from, e);
            }
            default -> { // rm of a folder, or a kind change
                String p = pick(rnd, stage);
                int slash = p.lastIndexOf('/');
                if (slash > 0 && rnd.nextBoolean()) {
                    String folder = p.substring(0, slash + 1);
                    stage.keySet().removeIf(k -> k.startsWith(folder));
                } else {
                    StageEntry e = stage.get(p);
                    FileKind k = e.kind() == FileKind.FILE ? FileKind.EXECUTABLE : FileKind.FILE;
                    stage.put(p, new StageEntry(p, k, e.content()));
                }
            }
        }
        return null;
    }

    @Test
    void snapshotsTakenFromTheCacheEqualFullWritesOverManyRandomEdits() {
        Random rnd = new Random(16);
        SortedMap<String, StageEntry> stage = new TreeMap<>(Tree.NAME_ORDER);
        TreeCache cache = TreeCache.empty();
        int reusedSome = 0;
        for (int step = 0; step < 600; step++) {
            String changed = edit(rnd, stage);
            try (ObjectSink sink = sink()) {
                List<StageEntry> list = new ArrayList<>(stage.values());
                if (step % 7 == 0) java.util.Collections.shuffle(list, rnd); // any order is accepted
                Trees.Snapshot s = Trees.write(list, cache, sink);
                Map<String, ObjectId> ids = new HashMap<>();
                ObjectId expected = reference(stage.values(), sink, ids);
                assertEquals(expected, s.root(), "step " + step);
                assertEquals(ids.keySet(), s.cache().dirs().keySet(), "a record for every folder, step " + step);
                for (var e : s.cache().dirs().entrySet())
                    assertEquals(ids.get(e.getKey()), e.getValue().tree(), "folder '" + e.getKey() + "'");
                if (changed != null) {
                    int folders = (int) changed.chars().filter(c -> c == '/').count() + 1;
                    assertTrue(
                            s.encoded() <= folders,
                            "a changed file re-encodes the folders on its path only (" + s.encoded() + " > " + folders
                                    + ")");
                    if (s.encoded() < ids.size()) reusedSome++;
                }
                sink.flush();
                cache = TreeCache.decode(s.cache().encode()); // through its stored form
            }
        }
        assertTrue(reusedSome > 100, "the cache was used: " + reusedSome);
    }

    /** Whether no path of {@code stage} is below another one (a path both a file and a folder). */
    private static boolean oneTree(SortedMap<String, StageEntry> stage) {
        for (String p : stage.keySet()) {
            for (int slash = p.indexOf('/'); slash >= 0; slash = p.indexOf('/', slash + 1)) {
                if (stage.containsKey(p.substring(0, slash))) return false;
            }
        }
        return true;
    }

    @Test
    void changesAppliedToTheTreesAloneEqualFullWritesOverManyRandomEdits() {
        Random rnd = new Random(21);
        SortedMap<String, StageEntry> stage = new TreeMap<>(Tree.NAME_ORDER);
        ObjectId tree = reference(stage.values());
        int applied = 0;
        int refused = 0;
        for (int step = 0; step < 800; step++) {
            SortedMap<String, StageEntry> changes = new TreeMap<>(Tree.NAME_ORDER);
            SortedMap<String, StageEntry> after = new TreeMap<>(stage);
            for (int k = 1 + rnd.nextInt(5); k > 0; k--) {
                int op = stage.isEmpty() ? 0 : rnd.nextInt(5);
                String p = op == 2 || op == 3 ? pick(rnd, stage) : randomPath(rnd);
                if (op == 2) { // rm of a file the stage holds
                    changes.put(p, null);
                    after.remove(p);
                } else if (op == 4) { // rm of any path: absent, a folder, or a file
                    changes.put(p, null);
                    after.remove(p);
                } else { // a new file anywhere (where a folder or below a file too), or new content
                    StageEntry e =
                            new StageEntry(p, rnd.nextInt(5) == 0 ? FileKind.EXECUTABLE : FileKind.FILE, content(rnd));
                    changes.put(p, e);
                    after.put(p, e);
                }
            }
            try (ObjectSink sink = sink()) {
                ObjectId got = Trees.apply(repo.objects, tree, changes, sink);
                sink.flush();
                if (got != null) {
                    assertTrue(oneTree(after), "applied only where the stage after is one tree, step " + step);
                    assertEquals(reference(after.values()), got, "step " + step);
                    assertEquals(after, Trees.flatten(repo.objects, got), "step " + step);
                    applied++;
                    stage = after;
                    tree = got;
                } else {
                    refused++;
                    if (!oneTree(after)) {
                        List<StageEntry> list = new ArrayList<>(after.values());
                        assertThrows(ForgeException.class, () -> Trees.write(list, null, sink), "step " + step);
                    }
                }
            }
        }
        assertTrue(applied > 400 && refused > 20, applied + " applied, " + refused + " refused");
    }

    @Test
    void anAddOfOneFileInARecordedStageWritesTheFoldersOnItsPathAndKeepsTheStoredCache() throws Exception {
        for (int i = 0; i < 60; i++) write("shots/s" + (i % 5) + "/f" + i + ".bin", i);
        new Add(repo).run(dir, List.of("."), P);
        byte[] cache = repo.meta().stageCache();
        assertNotNull(cache);
        List<StageEntry> before = stage();
        write("shots/s2/f7.bin", 700);
        write("shots/new/n.bin", 701);
        new Add(repo).run(dir, List.of("shots/s2/f7.bin", "shots/new/n.bin"), P);
        // Taken from the recorded tree and the two changes: no snapshot of the whole stage, so the stored
        // cache is the one before (a snapshot stores a new one, with records for the two folders).
        org.junit.jupiter.api.Assertions.assertArrayEquals(cache, repo.meta().stageCache());
        assertEquals(reference(stage()), recordedTree());
        checkLastOperation(before);
        new PathOps(repo).rm(dir, List.of("shots/new/n.bin"), false, true);
        assertEquals(reference(stage()), recordedTree(), "rm of the only file of a folder drops the folder");
        CommitOp.Result c = new CommitOp(repo).run("one", AUTHOR, false);
        assertEquals(reference(stage()), repo.objects.commit(c.commit()).tree());
        assertEquals(
                repo.stage().entries(),
                Trees.flatten(repo.objects, repo.objects.commit(c.commit()).tree()));
    }

    @Test
    void aFileThatIsAlsoAFolderIsRefusedAsBefore() {
        List<StageEntry> entries = new ArrayList<>();
        Random rnd = new Random(1);
        for (String p : List.of("a", "a.txt", "a/b/c", "b"))
            entries.add(new StageEntry(p, FileKind.FILE, content(rnd)));
        try (ObjectSink sink = sink()) {
            ForgeException e = assertThrows(ForgeException.class, () -> Trees.write(entries, TreeCache.empty(), sink));
            assertTrue(e.getMessage().contains("'a' both as a file and as a folder (of 'a/b/c')"), e.getMessage());
        }
    }

    @Test
    void aRecordThatDoesNotMatchTheStageIsNotUsed() {
        Random rnd = new Random(2);
        SortedMap<String, StageEntry> stage = new TreeMap<>(Tree.NAME_ORDER);
        for (String p : List.of("d/e/f", "d/e/g", "d/h", "i", "j/k"))
            stage.put(p, new StageEntry(p, FileKind.FILE, content(rnd)));
        Trees.Snapshot first;
        try (ObjectSink sink = sink()) {
            first = Trees.write(new ArrayList<>(stage.values()), TreeCache.empty(), sink);
            sink.flush();
        }
        assertEquals(4, first.encoded()); // "", d, d/e, j
        stage.put("d/e/f", new StageEntry("d/e/f", FileKind.FILE, content(rnd)));
        List<StageEntry> now = new ArrayList<>(stage.values());
        ObjectId expected = reference(now);
        try (ObjectSink sink = sink()) {
            // stale: the records of "", d and d/e are for the old d/e/f
            Trees.Snapshot s = Trees.write(now, first.cache(), sink);
            assertEquals(expected, s.root());
            assertEquals(3, s.encoded(), "the root, d and d/e again; j from the cache");
        }
        TreeCache.Prefix prefix = new TreeCache.Prefix(first.cache().point, now);
        long rootFp = prefix.of(0, now.size());
        ObjectId other = first.cache().get("j").tree(); // a tree that exists, but is not this stage's root
        byte[] absent = new byte[32];
        rnd.nextBytes(absent);
        for (TreeCache.Dir forged : List.of(
                new TreeCache.Dir(rootFp, now.size() + 1, other, 1), // the fingerprint, not the count
                new TreeCache.Dir((rootFp + 1) % TreeCache.P, now.size(), other, 1), // the count, not the fingerprint
                new TreeCache.Dir(rootFp, now.size(), ObjectId.of(absent), 1))) { // both, but no such tree stored
            TreeCache cache = new TreeCache(first.cache().point, Map.of("", forged));
            try (ObjectSink sink = sink()) {
                Trees.Snapshot s = Trees.write(now, cache, sink);
                assertEquals(expected, s.root(), forged.toString());
                assertEquals(4, s.encoded());
            }
        }
        // the same records at another point: no fingerprint matches
        TreeCache moved =
                new TreeCache(first.cache().point == 2 ? 3 : 2, first.cache().dirs());
        try (ObjectSink sink = sink()) {
            Trees.Snapshot s = Trees.write(now, moved, sink);
            assertEquals(expected, s.root());
            assertEquals(4, s.encoded());
        }
    }

    @Test
    void storedBytesThatAreNotACacheReadAsAnEmptyOne() {
        Random rnd = new Random(3);
        List<StageEntry> entries = List.of(new StageEntry("d/f", FileKind.FILE, content(rnd)));
        byte[] good;
        try (ObjectSink sink = sink()) {
            good = Trees.write(entries, TreeCache.empty(), sink).cache().encode();
        }
        assertEquals(2, TreeCache.decode(good).size());
        byte[] otherVersion = good.clone();
        otherVersion[0] = 2;
        byte[] garbage = new byte[40];
        rnd.nextBytes(garbage);
        for (byte[] bad : List.of(
                new byte[0],
                otherVersion,
                garbage,
                java.util.Arrays.copyOf(good, good.length - 1),
                java.util.Arrays.copyOf(good, good.length + 1))) {
            assertEquals(0, TreeCache.decode(bad).size());
        }
        assertEquals(0, TreeCache.decode(null).size());
    }

    // ---- through the commands

    private void write(String path, long seed) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        byte[] b = new byte[100 + (int) (seed % 300)];
        new Random(seed).nextBytes(b);
        Files.write(p, b);
    }

    private List<StageEntry> stage() {
        return new ArrayList<>(repo.stage().entries().values());
    }

    /** The op log's last snapshots and, after a commit, its tree all equal full writes of the stage. */
    private void checkLastOperation(List<StageEntry> before) {
        Operation op = repo.meta().operations(1).get(0);
        assertEquals(reference(before), op.stageBefore(), op.command() + ": the stage before");
        assertEquals(reference(stage()), op.stageAfter(), op.command() + ": the stage after");
    }

    @Test
    void addRmMvCommitAndUndoRecordExactlyTheTreesOfAFullWrite() throws Exception {
        Random rnd = new Random(4);
        for (int i = 0; i < 40; i++) write("shots/s" + (i % 4) + "/take" + (i % 3) + "/f" + i + ".bin", i);
        write("top.txt", 99);
        new Add(repo).run(dir, List.of("."), P);
        assertNotNull(repo.meta().stageCache(), "add stores a tree cache with the stage");
        CommitOp.Result c = new CommitOp(repo).run("one", AUTHOR, false);
        assertEquals(reference(stage()), repo.objects.commit(c.commit()).tree());
        PathOps ops = new PathOps(repo);
        long seed = 1000;
        for (int round = 0; round < 24; round++) {
            List<StageEntry> before = stage();
            List<StageEntry> opBefore = before; // the stage before the last operation
            List<String> paths = new ArrayList<>(repo.stage().entries().keySet());
            String some = paths.get(rnd.nextInt(paths.size()));
            switch (round % 6) {
                case 0 -> { // edit a file, add it alone
                    write(some, seed++);
                    new Add(repo).run(dir, List.of(some), P);
                }
                case 1 -> { // new files in new nested folders, added by their top folder
                    String top = "new" + round;
                    for (int k = 0; k < 3; k++) write(top + "/x/y" + k + "/n" + k + ".bin", seed++);
                    new Add(repo).run(dir, List.of(top), P);
                }
                case 2 -> ops.rm(dir, List.of(some), false, true);
                case 3 -> ops.mv(dir, some, "moved" + round + ".bin");
                case 4 -> { // a folder edited and added whole
                    String folder = some.contains("/") ? some.substring(0, some.lastIndexOf('/')) : ".";
                    write(some, seed++);
                    new Add(repo).run(dir, List.of(folder), P);
                }
                default -> { // add, then undo it: the stage is as before, and so are the trees it gives
                    write(some, seed++);
                    new Add(repo).run(dir, List.of(some), P);
                    checkLastOperation(before);
                    opBefore = stage();
                    new Undo(repo).run(P);
                    assertEquals(before, stage(), "undo restores the stage");
                }
            }
            checkLastOperation(opBefore);
            if (round % 2 == 1) {
                CommitOp.Result r = new CommitOp(repo).run("round " + round, AUTHOR, false);
                assertEquals(reference(stage()), repo.objects.commit(r.commit()).tree(), "commit of round " + round);
            }
        }
    }

    @Test
    void aCacheLeftBehindByAnotherWriterIsNotBelieved() throws Exception {
        for (int i = 0; i < 12; i++) write("a/b" + (i % 3) + "/f" + i, i);
        new Add(repo).run(dir, List.of("."), P);
        byte[] old = repo.meta().stageCache();
        write("a/b1/f1", 500);
        new Add(repo).run(dir, List.of("a/b1/f1"), P);
        // A writer that changes the stage and keeps the cache (an older forge, a bug): the records of
        // the root, a and a/b2 no longer match.
        StageEntry e = repo.stage().entries().get("a/b2/f2");
        StageEntry changed = new StageEntry(e.path(), FileKind.EXECUTABLE, e.content());
        repo.meta().newUpdate().putStage(changed).commit();
        CommitOp.Result c = new CommitOp(repo).run("kind", AUTHOR, false);
        assertEquals(reference(stage()), repo.objects.commit(c.commit()).tree());
        // An older cache put back, and bytes that are no cache at all.
        for (byte[] cache : List.of(old, new byte[] {1, 2, 3})) {
            repo.meta().newUpdate().setStageCache(cache).commit();
            write("a/b0/f0", cache.length);
            new Add(repo).run(dir, List.of("a/b0/f0"), P);
            CommitOp.Result r = new CommitOp(repo).run("again", AUTHOR, false);
            assertEquals(reference(stage()), repo.objects.commit(r.commit()).tree());
        }
    }

    @Test
    void gcKeepsTheTreesTheCacheNames() throws Exception {
        repo.setGcGraceDays(0);
        for (int i = 0; i < 12; i++) write("a/b" + (i % 3) + "/f" + i, i);
        new Add(repo).run(dir, List.of("."), P);
        Thread.sleep(5); // every operation older than the gc's cutoff
        new Gc(repo).run(false, P);
        TreeCache cache = repo.stage().treeCache();
        assertEquals(5, cache.size()); // "", a, a/b0, a/b1, a/b2
        for (var e : cache.dirs().entrySet())
            assertTrue(repo.store().objects().containsIntact(e.getValue().tree()), "kept: '" + e.getKey() + "'");
        // the commit takes every folder's tree from the cache: they must all still be stored
        CommitOp.Result c = new CommitOp(repo).run("after gc", AUTHOR, false);
        ObjectId tree = repo.objects.commit(c.commit()).tree();
        assertEquals(repo.stage().entries(), Trees.flatten(repo.objects, tree)); // reads every tree
        assertEquals(reference(stage()), tree);
    }

    // ---- the tree a stage change records, which commit takes unread

    /** The tree the store says the stage equals, if its digest is the stage's now. */
    private ObjectId recordedTree() {
        long digest = repo.meta().forEachStage(e -> {});
        return repo.meta()
                .stageTree()
                .filter(t -> t.stageDigest() == digest)
                .map(dev.forge.core.port.MetadataStore.StageTree::tree)
                .orElse(null);
    }

    @Test
    void everyStageChangeRecordsTheTreeOfTheStageItLeavesAndCommitTakesIt() throws Exception {
        for (int i = 0; i < 30; i++) write("shots/s" + (i % 3) + "/f" + i + ".bin", i);
        new Add(repo).run(dir, List.of("."), P);
        assertEquals(reference(stage()), recordedTree(), "add");
        CommitOp.Result c = new CommitOp(repo).run("one", AUTHOR, false);
        assertEquals(reference(stage()), repo.objects.commit(c.commit()).tree());
        assertEquals(30, c.files());
        long bytes = 0;
        for (StageEntry e : stage()) bytes += e.content().size();
        assertEquals(bytes, c.bytes());
        PathOps ops = new PathOps(repo);
        ops.rm(dir, List.of("shots/s0/f0.bin"), false, true);
        assertEquals(reference(stage()), recordedTree(), "rm");
        ops.mv(dir, "shots/s1/f1.bin", "moved.bin");
        assertEquals(reference(stage()), recordedTree(), "mv");
        write("shots/s2/f2.bin", 77);
        new Add(repo).run(dir, List.of("shots/s2/f2.bin"), P);
        assertEquals(reference(stage()), recordedTree(), "add of one file");
        CommitOp.Result r = new CommitOp(repo).run("two", AUTHOR, false);
        ObjectId tree = repo.objects.commit(r.commit()).tree();
        assertEquals(reference(stage()), tree);
        assertEquals(repo.stage().entries(), Trees.flatten(repo.objects, tree));
        // The bytes come back as they were added.
        Path out = dir.resolveSibling(dir.getFileName() + "-out");
        new Checkout(repo).into("HEAD", out, P);
        for (StageEntry e : stage()) {
            Path src = dir.resolve(e.path());
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    Files.readAllBytes(src), Files.readAllBytes(out.resolve(e.path())), e.path());
        }
        assertThrows(CommitOp.NothingToCommitException.class, () -> new CommitOp(repo).run("same", AUTHOR, false));
    }

    @Test
    void aRecordedTreeIsNotTakenForAStageChangedSinceOrWhenItIsNotStored() throws Exception {
        for (int i = 0; i < 12; i++) write("a/b" + (i % 3) + "/f" + i, i);
        new Add(repo).run(dir, List.of("."), P);
        ObjectId recorded = recordedTree();
        assertNotNull(recorded);
        // A writer that changes the stage without recording a tree (an older forge): the record stays,
        // with the digest of the stage before, and commit must not take it.
        StageEntry e = repo.stage().entries().get("a/b2/f2");
        repo.meta()
                .newUpdate()
                .putStage(new StageEntry(e.path(), FileKind.EXECUTABLE, e.content()))
                .commit();
        assertEquals(recorded, repo.meta().stageTree().orElseThrow().tree());
        CommitOp.Result c = new CommitOp(repo).run("kind", AUTHOR, false);
        ObjectId tree = repo.objects.commit(c.commit()).tree();
        assertEquals(reference(stage()), tree);
        assertTrue(!tree.equals(recorded));
        // A record whose digest matches but whose tree is not stored: the trees are built again.
        write("a/b0/f0", 999);
        new Add(repo).run(dir, List.of("a/b0/f0"), P);
        byte[] absent = new byte[32];
        new Random(5).nextBytes(absent);
        repo.meta()
                .newUpdate()
                .setStageTree(ObjectId.of(absent), repo.meta().forEachStage(x -> {}))
                .commit();
        CommitOp.Result r = new CommitOp(repo).run("again", AUTHOR, false);
        assertEquals(reference(stage()), repo.objects.commit(r.commit()).tree());
    }

    @Test
    void changesInOneTransactionApplyInTheOrderTheyWereMade() {
        Random rnd = new Random(6);
        SortedMap<String, StageEntry> expected = new TreeMap<>(Tree.NAME_ORDER);
        Transaction first = repo.begin("seed");
        for (String p : List.of("a/x", "a/y", "b", "c/d/e", "\u00e9", "z\uD83D\uDE00")) {
            StageEntry e = new StageEntry(p, FileKind.FILE, content(rnd));
            expected.put(p, e);
            first.putStage(e);
        }
        first.commit();
        assertEquals(expected, repo.stage().entries());
        for (int round = 0; round < 200; round++) {
            Transaction tx = repo.begin("round " + round);
            List<StageEntry> batch = new ArrayList<>();
            int n = 1 + rnd.nextInt(8);
            for (int k = 0; k < n; k++) {
                String p = List.of("a/x", "a/y", "a/w", "b", "c/d/e", "c/d/f", "\u00e9", "z\uD83D\uDE00")
                        .get(rnd.nextInt(8));
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        tx.deleteStage(p);
                        expected.remove(p);
                    }
                    case 1 -> { // a batch, with distinct paths
                        if (batch.stream().noneMatch(b -> b.path().equals(p)))
                            batch.add(new StageEntry(p, FileKind.FILE, content(rnd)));
                    }
                    default -> {
                        StageEntry e = new StageEntry(p, FileKind.FILE, content(rnd));
                        tx.putStage(e);
                        expected.put(p, e);
                    }
                }
                if (k == n - 1 && !batch.isEmpty()) {
                    tx.putStages(batch);
                    for (StageEntry b : batch) expected.put(b.path(), b);
                }
            }
            if (round % 17 == 0) { // a replaced stage, then more changes on top
                List<StageEntry> whole = List.of(new StageEntry("b", FileKind.FILE, content(rnd)));
                tx.replaceStage(whole, null);
                expected.clear();
                expected.put("b", whole.get(0));
                StageEntry more = new StageEntry("a/x", FileKind.FILE, content(rnd));
                tx.putStage(more);
                expected.put("a/x", more);
            }
            tx.commit();
            assertEquals(expected, repo.stage().entries(), "round " + round);
            Operation op = repo.meta().operations(1).get(0);
            assertEquals(reference(expected.values()), op.stageAfter(), "the op log's stage after, round " + round);
            assertEquals(op.stageAfter(), recordedTree(), "round " + round);
        }
    }

    @Test
    void gcKeepsTheRecordedTreeOfTheStageWholeEvenWithoutACache() throws Exception {
        repo.setGcGraceDays(0);
        for (int i = 0; i < 12; i++) write("a/b" + (i % 3) + "/f" + i, i);
        new Add(repo).run(dir, List.of("."), P);
        ObjectId recorded = recordedTree();
        assertNotNull(recorded);
        repo.meta().newUpdate().setStageCache(new byte[] {1, 2, 3}).commit(); // no cache to keep trees by
        Thread.sleep(5); // every operation older than the gc's cutoff
        new Gc(repo).run(false, P);
        assertEquals(recorded, recordedTree());
        assertEquals(repo.stage().entries(), Trees.flatten(repo.objects, recorded), "every tree of it kept");
        CommitOp.Result c = new CommitOp(repo).run("after gc", AUTHOR, false);
        ObjectId tree = repo.objects.commit(c.commit()).tree();
        assertEquals(recorded, tree, "the commit took the recorded tree");
        assertEquals(repo.stage().entries(), Trees.flatten(repo.objects, tree)); // reads every tree
    }
}
