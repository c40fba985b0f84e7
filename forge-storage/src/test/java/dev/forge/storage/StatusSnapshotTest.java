package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .forge/status-snapshot} (docs/format.md): a status of an unchanged index answers from it
 * without opening the index, exactly as a status that opens the index does; any change to the index
 * (a commit, an add, a bare read-write open) makes the next status open the index again; a damaged
 * snapshot is ignored and replaced.
 */
class StatusSnapshotTest {
    private static final ProgressListener P = ProgressListener.NONE;
    private static final String AUTHOR = "Test <test@forge.invalid>";

    @TempDir
    Path dir;

    private final RocksLocalStoreFactory rocks = new RocksLocalStoreFactory();

    /** The factory, remembering the last store it opened, so a test can see which kind it was. */
    private final class Watching implements LocalStoreFactory {
        LocalStore last;

        @Override
        public LocalStore create(Path workTree, RepoConfig config) {
            return rocks.create(workTree, config);
        }

        @Override
        public LocalStore open(Path workTree) {
            return last = rocks.open(workTree);
        }

        @Override
        public LocalStore open(Path workTree, Mode mode) {
            return last = rocks.open(workTree, mode);
        }

        @Override
        public Path findWorkTree(Path start) {
            return rocks.findWorkTree(start);
        }
    }

    private final Watching factory = new Watching();

    @BeforeEach
    void repository() throws IOException {
        StageFileTest.committedAndStaged(factory, dir);
        Files.writeString(dir.resolve("u.txt"), "untracked\n");
        // Files a minute old: a status caches their stat at once. Written just now, a status within the
        // racy tick (100 ms) may not cache them and the next one, past it, then does: writes the stat
        // cache, so opens the index, and a test of when the index is opened fails by the clock.
        java.nio.file.attribute.FileTime old =
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (String f : List.of("a.txt", "d/b.txt", "c.txt", "u.txt")) Files.setLastModifiedTime(dir.resolve(f), old);
    }

    private Path snapshotFile() {
        return dir.resolve(".forge").resolve(StatusSnapshot.FILE);
    }

    /** A status as `forge status` runs it, and whether it answered from the snapshot alone. */
    private record Seen(Status.Report report, boolean fromSnapshot, boolean indexOpened) {}

    private Seen status() {
        try (Repository repo = Repository.open(factory, dir, LocalStoreFactory.Mode.SHARED)) {
            Status.Report r = new Status(repo).run(P);
            boolean snap = factory.last instanceof SnapshotLocalStore;
            return new Seen(r, snap, snap && ((SnapshotLocalStore) factory.last).indexOpened());
        }
    }

    /** The same status through a store that reads everything from the index. */
    private Status.Report fromIndex() {
        try (Repository repo = Repository.open(factory, dir, LocalStoreFactory.Mode.READ)) {
            assertInstanceOf(RocksLocalStore.class, factory.last);
            return new Status(repo).run(P);
        }
    }

    @Test
    void anUnchangedIndexIsNotOpened() {
        assertFalse(Files.exists(snapshotFile()));
        Seen first = status();
        assertFalse(first.fromSnapshot(), "there was no snapshot yet");
        assertTrue(Files.exists(snapshotFile()), "the status that opened the index took one");

        Seen second = status();
        assertTrue(second.fromSnapshot());
        assertTrue(second.indexOpened(), "a stage that differs from HEAD is compared with HEAD's trees");
        assertEquals(first.report(), second.report());
        assertEquals(
                List.of(new Status.Change("c.txt", Status.ChangeKind.ADDED)),
                second.report().staged());
        assertEquals(List.of("u.txt"), second.report().untracked());
        assertEquals("main", second.report().branch());

        try (Repository repo = Repository.open(factory, dir)) {
            new CommitOp(repo).run("two", AUTHOR, false);
        }
        Seen committed = status();
        Seen clean = status();
        assertTrue(clean.fromSnapshot());
        assertFalse(clean.indexOpened(), "nothing in a status of a committed, unchanged folder needs the index");
        assertEquals(committed.report(), clean.report());
        assertEquals(List.of(), clean.report().staged());
        assertEquals(fromIndex(), clean.report());
    }

    @Test
    void everyChangeToTheIndexMakesTheNextStatusOpenIt() throws IOException {
        status(); // takes the snapshot
        assertTrue(status().fromSnapshot());

        // A commit moves the branch and records a new stage tree.
        try (Repository repo = Repository.open(factory, dir)) {
            new CommitOp(repo).run("two", AUTHOR, false);
        }
        Seen afterCommit = status();
        assertFalse(afterCommit.fromSnapshot(), "a snapshot taken before the commit was used");
        Seen again = status();
        assertTrue(again.fromSnapshot());
        assertEquals(afterCommit.report(), again.report());
        // (a READ open opens the index to write when it can: it starts a new log, so it comes last)
        assertEquals(fromIndex(), afterCommit.report());
        assertEquals(List.of(), afterCommit.report().staged());

        // An add changes the stage (a new stage file generation, named in the index).
        Files.writeString(dir.resolve("a.txt"), "one, edited\n");
        try (Repository repo = Repository.open(factory, dir)) {
            new Add(repo).run(dir, List.of("a.txt"), P);
        }
        Seen afterAdd = status();
        assertFalse(afterAdd.fromSnapshot());
        assertEquals(
                List.of(new Status.Change("a.txt", Status.ChangeKind.MODIFIED)),
                afterAdd.report().staged());
        Seen snapAdd = status();
        assertTrue(snapAdd.fromSnapshot());
        assertEquals(afterAdd.report(), snapAdd.report());
        assertEquals(fromIndex(), snapAdd.report());

        // Even an open to write that changes nothing starts a new write-ahead log.
        status();
        try (Repository repo = Repository.open(factory, dir)) {
            assertFalse(repo.readOnly());
        }
        assertFalse(status().fromSnapshot());
    }

    @Test
    void anEditedFileIsFoundAndItsStatCachedWithoutTheIndexChanging() throws IOException {
        status();
        Path a = dir.resolve("a.txt");
        Files.setLastModifiedTime(
                a, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Seen touched = status(); // same bytes, new mtime: read once, stat cache refreshed in the stage file
        assertTrue(touched.fromSnapshot());
        assertEquals(List.of(), touched.report().unstaged());
        Files.writeString(a, "two\n");
        Files.setLastModifiedTime(
                a, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Seen edited = status();
        assertTrue(edited.fromSnapshot(), "writing the stat cache does not touch the index");
        assertEquals(
                List.of(new Status.Change("a.txt", Status.ChangeKind.MODIFIED)),
                edited.report().unstaged());
        assertEquals(fromIndex(), edited.report());
    }

    @Test
    void aDamagedSnapshotIsIgnoredAndReplaced() throws IOException {
        Seen first = status();
        byte[] b = Files.readAllBytes(snapshotFile());
        for (int i = 0; i < b.length; i += Math.max(1, b.length / 16)) {
            byte[] bad = b.clone();
            bad[i] ^= 0x10;
            Files.write(snapshotFile(), bad);
            Seen s = status();
            assertFalse(s.fromSnapshot(), "a snapshot with byte " + i + " flipped was used");
            assertEquals(first.report(), s.report());
        }
        Files.write(snapshotFile(), new byte[0]);
        assertFalse(status().fromSnapshot());
        assertTrue(status().fromSnapshot(), "the next status took a good one again");
    }
}
