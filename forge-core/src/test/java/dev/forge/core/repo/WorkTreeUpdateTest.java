package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A work-tree change that fails part-way is undone: the tree ends where it started. */
class WorkTreeUpdateTest {
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private final MemLocalStoreFactory factory = new MemLocalStoreFactory();
    private Repository repo;

    @BeforeEach
    void init() {
        repo = Repository.init(factory, dir, RepoConfig.defaults());
    }

    @AfterEach
    void close() {
        repo.close();
    }

    private void commitAll() {
        new Add(repo).run(dir, List.of("."), P);
        new CommitOp(repo).run("c", "Test <test@forge.invalid>", false);
    }

    private List<Path> scratchFolders() throws Exception {
        Path tmp = dir.resolve(".forge/tmp");
        if (!Files.isDirectory(tmp)) return List.of();
        try (Stream<Path> s = Files.list(tmp)) {
            return s.toList();
        }
    }

    @Test
    void aRestoreRefusedPartWayPutsBackTheFilesItHadReplaced() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "committed\n");
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/f.txt"), "committed too\n");
        Files.writeString(dir.resolve("z.txt"), "committed as well\n");
        commitAll();
        Files.writeString(dir.resolve("a.txt"), "edited\n");
        Files.writeString(dir.resolve("z.txt"), "edited too\n");
        Files.delete(dir.resolve("d/f.txt"));
        Files.delete(dir.resolve("d"));
        Files.writeString(dir.resolve("d"), "a file where a folder was\n");

        // a.txt is put in place first (path order), then d/f.txt is refused: d is a file.
        assertThrows(
                WouldOverwriteException.class,
                () -> new Checkout(repo).restore(dir, List.of("a.txt", "d/f.txt", "z.txt"), "HEAD", P));
        assertEquals("edited\n", Files.readString(dir.resolve("a.txt")), "a.txt is back as it was");
        assertEquals("edited too\n", Files.readString(dir.resolve("z.txt")));
        assertEquals("a file where a folder was\n", Files.readString(dir.resolve("d")));
        assertEquals(List.of(), scratchFolders(), "the scratch folder is gone");

        Files.delete(dir.resolve("d"));
        new Checkout(repo).restore(dir, List.of("a.txt", "d/f.txt"), "HEAD", P);
        assertEquals("committed\n", Files.readString(dir.resolve("a.txt")));
        assertEquals("committed too\n", Files.readString(dir.resolve("d/f.txt")));
        assertEquals("edited too\n", Files.readString(dir.resolve("z.txt")));
        assertEquals(List.of(), scratchFolders());
    }

    @Test
    void aCheckoutReplacesFilesDeletesWhatGoesAndPrunesEmptyFolders() throws Exception {
        Files.createDirectories(dir.resolve("old/deep"));
        Files.writeString(dir.resolve("old/deep/x.txt"), "x\n");
        Files.writeString(dir.resolve("f"), "a file\n");
        commitAll();
        new Branches(repo).createBranch("first", "HEAD");
        Files.delete(dir.resolve("old/deep/x.txt"));
        Files.delete(dir.resolve("old/deep"));
        Files.delete(dir.resolve("old"));
        Files.delete(dir.resolve("f"));
        Files.createDirectories(dir.resolve("f"));
        Files.writeString(dir.resolve("f/inside.txt"), "a folder now\n");
        new Add(repo).run(dir, List.of("."), P);
        new CommitOp(repo).run("c2", "Test <test@forge.invalid>", false);

        // (The plan counts the folder f as an untracked file in the way, so this direction needs --force.)
        new Checkout(repo).run("first", true, P);
        assertEquals("x\n", Files.readString(dir.resolve("old/deep/x.txt")));
        assertEquals("a file\n", Files.readString(dir.resolve("f")));
        new Checkout(repo).run("main", false, P);
        assertFalse(Files.exists(dir.resolve("old")), "emptied folders are removed");
        assertTrue(Files.isDirectory(dir.resolve("f")));
        assertEquals("a folder now\n", Files.readString(dir.resolve("f/inside.txt")));
        assertEquals(List.of(), scratchFolders());
    }

    /** A snapshot of the work tree (outside .forge): path to bytes, folders as "/". */
    private java.util.SortedMap<String, String> tree() throws Exception {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.isEmpty() || rel.equals(".forge") || rel.startsWith(".forge/")) continue;
                out.put(rel, Files.isDirectory(p) ? "/" : Files.readString(p));
            }
        }
        return out;
    }

    private void reopen() {
        repo.close();
        repo = Repository.open(factory, dir);
    }

    /** Two branches that differ in every way a checkout handles: changed, added, deleted, file<->folder. */
    private void twoBranches() throws Exception {
        Files.writeString(dir.resolve("same.txt"), "same\n");
        Files.writeString(dir.resolve("changed.txt"), "first\n");
        Files.createDirectories(dir.resolve("gone/deep"));
        Files.writeString(dir.resolve("gone/deep/x.txt"), "only on first\n");
        Files.writeString(dir.resolve("becomes-folder"), "a file on first\n");
        commitAll();
        new Branches(repo).createBranch("first", "HEAD");
        Files.writeString(dir.resolve("changed.txt"), "second\n");
        Files.delete(dir.resolve("gone/deep/x.txt"));
        Files.delete(dir.resolve("gone/deep"));
        Files.delete(dir.resolve("gone"));
        Files.delete(dir.resolve("becomes-folder"));
        Files.createDirectories(dir.resolve("becomes-folder/sub"));
        Files.writeString(dir.resolve("becomes-folder/sub/y.txt"), "a folder on second\n");
        Files.createDirectories(dir.resolve("new/dir"));
        Files.writeString(dir.resolve("new/dir/z.txt"), "only on second\n");
        new Add(repo).run(dir, List.of("."), P);
        new CommitOp(repo).run("c2", "Test <test@forge.invalid>", false);
    }

    @Test
    void aCheckoutKilledAtAnyStepIsUndoneByTheNextCommandAndThenRunsCleanly() throws Exception {
        twoBranches();
        var second = tree();
        new Checkout(repo).run("first", true, P);
        var first = tree();
        String[][] moves = {{"main", "first"}, {"first", "main"}};
        for (String[] m : moves) {
            var before = m[0].equals("main") ? first : second;
            var after = m[0].equals("main") ? second : first;
            int crashes = 0;
            for (int n = 0; ; n++) {
                WorkTreeUpdate.crashAfterSteps = n;
                boolean crashed;
                try {
                    new Checkout(repo).run(m[0], true, P);
                    crashed = false;
                } catch (WorkTreeUpdate.SimulatedCrash e) {
                    crashed = true;
                } finally {
                    WorkTreeUpdate.crashAfterSteps = -1;
                }
                if (!crashed) {
                    assertEquals(after, tree(), "checkout " + m[0] + " with no crash");
                    break;
                }
                crashes++;
                assertTrue(Files.exists(dir.resolve(".forge/" + WorkTreeJournal.FILE)), "the journal is left");
                assertTrue(repo.workTreeChangePending());
                reopen();
                assertFalse(repo.workTreeChangePending());
                final int step = n;
                assertEquals(
                        before, tree(), () -> "checkout " + m[0] + " killed after " + step + " steps, then undone");
                assertFalse(Files.exists(dir.resolve(".forge/" + WorkTreeJournal.FILE)));
                // What the killed update had not journaled yet is swept by the next process (this one lives on).
                for (Path p : scratchFolders()) ContentWriter.deleteTree(p);
                Status.Report st = new Status(repo).run(P);
                assertTrue(st.staged().isEmpty() && st.unstaged().isEmpty(), () -> "clean after step " + step);
            }
            assertTrue(crashes > 8, "every step was tried: " + crashes);
            assertEquals(List.of(), scratchFolders(), "a checkout that ran through leaves nothing in .forge/tmp");
        }
    }

    @Test
    void aRestoreKilledPartWayGivesBackTheEditsItWasReplacing() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "committed\n");
        Files.writeString(dir.resolve("b.txt"), "committed b\n");
        commitAll();
        Files.writeString(dir.resolve("a.txt"), "edited\n");
        Files.writeString(dir.resolve("b.txt"), "edited b\n");
        var edited = tree();
        WorkTreeUpdate.crashAfterSteps = 1;
        try {
            assertThrows(
                    WorkTreeUpdate.SimulatedCrash.class,
                    () -> new Checkout(repo).restore(dir, List.of("a.txt", "b.txt"), "HEAD", P));
        } finally {
            WorkTreeUpdate.crashAfterSteps = -1;
        }
        assertEquals("committed\n", Files.readString(dir.resolve("a.txt")), "a.txt was restored before the kill");
        reopen();
        assertEquals(edited, tree(), "the kill undone: both edits are back");
    }

    @Test
    void aJournalLeftAfterItsTransactionCommittedIsOnlyDeleted() throws Exception {
        twoBranches();
        var second = tree();
        new Checkout(repo).run("first", true, P);
        // Keep a copy of the journal as it stands just before the transaction commits (a kill right after
        // the commit would leave it), then put it back after the commit.
        Path journal = dir.resolve(".forge/" + WorkTreeJournal.FILE);
        Transaction tx = repo.begin("checkout main");
        var target = Trees.flatten(
                repo.objects, repo.objects.commit(repo.resolve("main")).tree());
        WorkTreeMove.plan(repo, target, WorkTreeMove.headFiles(repo))
                .check("checkout main", true)
                .apply(true, P, tx, null);
        byte[] copy = Files.readAllBytes(journal);
        tx.setHead(new dev.forge.core.model.Head.OnBranch("main")).commit();
        assertFalse(Files.exists(journal), "a committed change deletes its journal");
        Files.write(journal, copy);
        reopen();
        assertEquals(second, tree(), "the committed checkout stays");
        assertFalse(Files.exists(journal));
    }
}
