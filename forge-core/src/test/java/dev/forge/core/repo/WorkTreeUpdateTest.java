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

    private Repository repo;

    @BeforeEach
    void init() {
        repo = Repository.init(new MemLocalStoreFactory(), dir, RepoConfig.defaults());
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
}
