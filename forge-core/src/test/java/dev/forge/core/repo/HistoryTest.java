package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.ConflictException;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Branches, merges, undo, rm/mv and gc, in-process on the in-memory store. */
class HistoryTest {
    private static final String AUTHOR = "Test <test@forge.invalid>";
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private Repository repo;

    @BeforeEach
    void init() {
        repo = Repository.init(new MemLocalStoreFactory(), dir, RepoConfig.defaults());
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        repo.close();
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void write(String path, String text) throws Exception {
        Files.createDirectories(dir.resolve(path).getParent());
        Files.writeString(dir.resolve(path), text);
    }

    private void write(String path, byte[] bytes) throws Exception {
        Files.createDirectories(dir.resolve(path).getParent());
        Files.write(dir.resolve(path), bytes);
    }

    private ObjectId commitAll(String msg) {
        new Add(repo).run(dir, List.of("."), P);
        return new CommitOp(repo).run(msg, AUTHOR, false).commit();
    }

    private String read(String path) throws Exception {
        return Files.readString(dir.resolve(path));
    }

    @Test
    void fastForwardMovesBranchAndFiles() throws Exception {
        write("a.txt", "1\n");
        commitAll("base");
        new Branches(repo).switchTo("feature", true, false, P);
        write("a.txt", "2\n");
        ObjectId feature = commitAll("feature");
        new Branches(repo).switchTo("main", false, false, P);
        assertEquals("1\n", read("a.txt"));
        Merge.Result r = new Merge(repo).run("feature", AUTHOR, P);
        assertEquals(Merge.Outcome.FAST_FORWARD, r.outcome());
        assertEquals(feature, repo.resolve("main"));
        assertEquals("2\n", read("a.txt"));
        assertEquals(
                Merge.Outcome.UP_TO_DATE,
                new Merge(repo).run("feature", AUTHOR, P).outcome());
    }

    @Test
    void threeWayMergeTakesEachSidesChangesAndMergesTextLineByLine() throws Exception {
        write("doc.txt", "one\ntwo\nthree\nfour\nfive\nsix\n");
        write("ours-only.bin", random(1, 50_000));
        write("theirs-only.bin", random(2, 50_000));
        commitAll("base");
        new Branches(repo).createBranch("feature", null);
        write("doc.txt", "ONE\ntwo\nthree\nfour\nfive\nsix\n");
        write("ours-only.bin", random(3, 50_000));
        ObjectId ours = commitAll("ours");
        new Branches(repo).switchTo("feature", false, false, P);
        write("doc.txt", "one\ntwo\nthree\nfour\nfive\nSIX\n");
        write("theirs-only.bin", random(4, 50_000));
        write("new.txt", "added on feature\n");
        ObjectId theirs = commitAll("theirs");
        new Branches(repo).switchTo("main", false, false, P);
        Merge.Result r = new Merge(repo).run("feature", AUTHOR, P);
        assertEquals(Merge.Outcome.MERGED, r.outcome());
        assertEquals(List.of(ours, theirs), repo.objects().commit(r.commit()).parents());
        assertEquals("ONE\ntwo\nthree\nfour\nfive\nSIX\n", read("doc.txt"));
        assertArrayEquals(random(3, 50_000), Files.readAllBytes(dir.resolve("ours-only.bin")));
        assertArrayEquals(random(4, 50_000), Files.readAllBytes(dir.resolve("theirs-only.bin")));
        assertEquals("added on feature\n", read("new.txt"));
        assertTrue(new Status(repo).run(P).clean());
        assertTrue(new Fsck(repo).run(P).ok());
    }

    @Test
    void overlappingTextChangesGetConflictMarkers() throws Exception {
        write("doc.txt", "a\nb\nc\n");
        commitAll("base");
        new Branches(repo).createBranch("feature", null);
        write("doc.txt", "a\nB-ours\nc\n");
        commitAll("ours");
        new Branches(repo).switchTo("feature", false, false, P);
        write("doc.txt", "a\nB-theirs\nc\n");
        commitAll("theirs");
        new Branches(repo).switchTo("main", false, false, P);
        Merge.Result r = new Merge(repo).run("feature", AUTHOR, P);
        assertEquals(Merge.Outcome.CONFLICTS, r.outcome());
        String text = read("doc.txt");
        assertTrue(text.contains("<<<<<<< ours\nB-ours\n=======\nB-theirs\n>>>>>>> theirs"), text);
        assertThrows(ConflictException.class, () -> new CommitOp(repo).run("x", AUTHOR, false));
        write("doc.txt", "a\nB-both\nc\n");
        new Add(repo).run(dir, List.of("doc.txt"), P);
        ObjectId merge = new CommitOp(repo).run("merged by hand", AUTHOR, false).commit();
        assertEquals(2, repo.objects().commit(merge).parents().size());
        assertTrue(repo.mergeState().isEmpty());
    }

    @Test
    void binaryConflictKeepsOursAndResolvesEitherWay() throws Exception {
        write("plate.exr", random(10, 300_000));
        commitAll("base");
        new Branches(repo).createBranch("feature", null);
        write("plate.exr", random(11, 300_000));
        commitAll("ours");
        new Branches(repo).switchTo("feature", false, false, P);
        write("plate.exr", random(12, 300_000));
        commitAll("theirs");
        new Branches(repo).switchTo("main", false, false, P);

        Merge.Result r = new Merge(repo).run("feature", AUTHOR, P);
        assertEquals(Merge.Outcome.CONFLICTS, r.outcome());
        assertArrayEquals(random(11, 300_000), Files.readAllBytes(dir.resolve("plate.exr")), "work tree keeps ours");
        assertEquals(
                List.of("plate.exr"),
                new Status(repo)
                        .run(P).merge().orElseThrow().conflicts().stream()
                                .map(c -> c.path())
                                .toList());
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        new Checkout(repo).show(":theirs:plate.exr", theirs);
        assertArrayEquals(random(12, 300_000), theirs.toByteArray());
        ByteArrayOutputStream base = new ByteArrayOutputStream();
        new Checkout(repo).show(":base:plate.exr", base);
        assertArrayEquals(random(10, 300_000), base.toByteArray());

        new Merge(repo).abort(P);
        assertTrue(repo.mergeState().isEmpty());
        assertArrayEquals(random(11, 300_000), Files.readAllBytes(dir.resolve("plate.exr")));
        assertTrue(new Status(repo).run(P).clean());

        new Merge(repo).run("feature", AUTHOR, P);
        new Merge(repo).resolve(dir, List.of("plate.exr"), true, P);
        assertArrayEquals(random(12, 300_000), Files.readAllBytes(dir.resolve("plate.exr")));
        ObjectId m = new CommitOp(repo).run("take theirs", AUTHOR, false).commit();
        assertEquals(2, repo.objects().commit(m).parents().size());

        new Undo(repo).run(P);
        new Branches(repo).createBranch("x", "feature");
        assertTrue(new Fsck(repo).run(P).ok());
    }

    @Test
    void switchRefusesToOverwriteAndForceDiscards() throws Exception {
        write("a.txt", "main\n");
        commitAll("base");
        new Branches(repo).switchTo("other", true, false, P);
        write("a.txt", "other\n");
        commitAll("other");
        write("a.txt", "unsaved\n");
        assertThrows(WouldOverwriteException.class, () -> new Branches(repo).switchTo("main", false, false, P));
        assertEquals("unsaved\n", read("a.txt"));
        var r = new Branches(repo).switchTo("main", false, true, P);
        assertEquals(List.of("a.txt"), r.discarded());
        assertEquals("main\n", read("a.txt"));
    }

    @Test
    void undoRevertsCommitMergeSwitchAndBranchDeletionAndUndoOfUndoRedoes() throws Exception {
        write("a.txt", "1\n");
        ObjectId first = commitAll("one");
        write("a.txt", "2\n");
        ObjectId second = commitAll("two");
        new Undo(repo).run(P);
        assertEquals(first, repo.resolve("main"));
        assertEquals("2\n", read("a.txt"), "undo of a commit keeps the work");
        new Undo(repo).run(P);
        assertEquals(second, repo.resolve("main"));

        new Branches(repo).createBranch("keep", "HEAD~1");
        new Branches(repo).deleteBranch("keep");
        new Undo(repo).run(P);
        assertEquals(first, repo.resolve("keep"));

        new Branches(repo).switchTo("keep", false, false, P);
        assertEquals("1\n", read("a.txt"));
        new Undo(repo).run(P);
        assertEquals("main", repo.head().branchName().orElseThrow());
        assertEquals("2\n", read("a.txt"), "undo of a switch moves a clean work tree back");

        new Branches(repo).switchTo("side", true, false, P);
        write("b.txt", "side\n");
        commitAll("side");
        new Branches(repo).switchTo("main", false, false, P);
        write("c.txt", "main\n");
        ObjectId beforeMerge = commitAll("main");
        Merge.Result m = new Merge(repo).run("side", AUTHOR, P);
        assertEquals(Merge.Outcome.MERGED, m.outcome());
        assertTrue(Files.exists(dir.resolve("b.txt")));
        new Undo(repo).run(P);
        assertEquals(beforeMerge, repo.resolve("main"));
        assertFalse(
                Files.exists(dir.resolve("b.txt")), "undo of a merge takes its files back out of a clean work tree");
        assertTrue(new Fsck(repo).run(P).ok());
    }

    @Test
    void undoOfAddRestoresTheStage() throws Exception {
        write("a.txt", "1\n");
        commitAll("one");
        write("b.txt", "new\n");
        new Add(repo).run(dir, List.of("b.txt"), P);
        assertEquals(1, new Status(repo).run(P).staged().size());
        new Undo(repo).run(P);
        assertEquals(0, new Status(repo).run(P).staged().size());
        assertEquals(List.of("b.txt"), new Status(repo).run(P).untracked());
        assertTrue(Files.exists(dir.resolve("b.txt")), "undo of add never deletes work");
    }

    @Test
    void rmAndMv() throws Exception {
        write("shots/a.exr", random(1, 1000));
        write("shots/b.exr", random(2, 1000));
        write("keep.txt", "k");
        commitAll("base");
        new PathOps(repo).mv(dir, "shots", "plates");
        assertTrue(Files.exists(dir.resolve("plates/a.exr")));
        new PathOps(repo).rm(dir, List.of("plates/b.exr"), false, false);
        assertFalse(Files.exists(dir.resolve("plates/b.exr")));
        new PathOps(repo).rm(dir, List.of("keep.txt"), true, false);
        assertTrue(Files.exists(dir.resolve("keep.txt")));
        write("plates/a.exr", random(3, 1000));
        assertThrows(
                WouldOverwriteException.class, () -> new PathOps(repo).rm(dir, List.of("plates/a.exr"), false, false));
        ObjectId c = new CommitOp(repo).run("moved", AUTHOR, false).commit();
        assertEquals(List.of("keep.txt"), new Status(repo).run(P).untracked());
        assertTrue(new Status(repo).run(P).unstaged().size() == 1);
        assertEquals(c, repo.resolve("HEAD"));
    }

    @Test
    void gcKeepsEverythingReachableAndDropsTheRest() throws Exception {
        write("a.bin", random(1, 2_000_000));
        ObjectId one = commitAll("one");
        new Branches(repo).switchTo("tmp", true, false, P);
        write("a.bin", random(2, 2_000_000));
        commitAll("two");
        new Branches(repo).switchTo("main", false, false, P);
        new Branches(repo).deleteBranch("tmp");
        Gc.Report kept = new Gc(repo).run(false, P);
        assertEquals(
                0, kept.sweep().deadObjects(), "the op log still names the deleted branch within the grace period");
        repo.setGcGraceDays(0);
        Gc.Report dry = new Gc(repo).run(true, P);
        assertTrue(dry.sweep().deadObjects() > 20);
        assertEquals(dry.sweep().bytesBefore(), repo.store().usage().packBytes(), "dry run changes nothing");
        Gc.Report r = new Gc(repo).run(false, P);
        assertTrue(r.sweep().bytesAfter() < r.sweep().bytesBefore() * 0.6);
        assertTrue(new Fsck(repo).run(P).ok());
        Path out = dir.resolveSibling(dir.getFileName() + "-out");
        new Checkout(repo).into(one.hex(), out, P);
        assertArrayEquals(random(1, 2_000_000), Files.readAllBytes(out.resolve("a.bin")));
        assertThrows(ForgeException.class, () -> new Branches(repo).deleteBranch("main"));
    }
}
