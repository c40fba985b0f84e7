package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.History;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import dev.forge.core.repo.StoreAccess;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository operations in-process, on a real RocksDB + pack store. */
class RepositoryTest {
    private static final String AUTHOR = "Test <test@forge.invalid>";
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Repository init() {
        return Repository.init(factory, dir, RepoConfig.defaults());
    }

    @Test
    void addCommitCheckoutRestoresExactBytes() throws Exception {
        byte[] big = random(1, 3_000_000);
        Files.createDirectories(dir.resolve("shots/010"));
        Files.write(dir.resolve("shots/010/plate.bin"), big);
        Files.writeString(dir.resolve("notes.txt"), "v1\n");
        Files.write(dir.resolve("empty"), new byte[0]);
        ObjectId v1;
        try (Repository repo = init()) {
            Add.Result a = new Add(repo).run(dir, List.of("."), P);
            assertEquals(3, a.files());
            v1 = new CommitOp(repo).run("v1", AUTHOR, false).commit();
            assertTrue(new Status(repo).run(P).clean());
        }
        byte[] edited = big.clone();
        System.arraycopy(random(2, 1000), 0, edited, 1_500_000, 1000);
        Files.write(dir.resolve("shots/010/plate.bin"), edited);
        Files.delete(dir.resolve("notes.txt"));
        try (Repository repo = Repository.open(factory, dir.resolve("shots"))) {
            Status.Report s = new Status(repo).run(P);
            assertEquals(
                    List.of(
                            new Status.Change("notes.txt", Status.ChangeKind.DELETED),
                            new Status.Change("shots/010/plate.bin", Status.ChangeKind.MODIFIED)),
                    s.unstaged());
            new Add(repo).run(dir, List.of("."), P);
            long before = StoreAccess.store(repo).usage().packBytes();
            CommitOp.Result c = new CommitOp(repo).run("v2", AUTHOR, false);
            long increment = StoreAccess.store(repo).usage().packBytes() - before;
            assertTrue(increment < 600_000, "a 1000-byte edit stores a few chunks, not the file: " + increment);
            assertEquals(v1, repo.resolve("HEAD~1"));
            assertEquals(c.commit(), repo.resolve("main"));
            assertEquals(c.commit(), repo.resolve(c.commit().hex().substring(0, 10)));
            Path out = dir.resolveSibling(dir.getFileName() + "-v1");
            new Checkout(repo).into("HEAD^", out, P);
            assertArrayEquals(big, Files.readAllBytes(out.resolve("shots/010/plate.bin")));
            assertEquals("v1\n", Files.readString(out.resolve("notes.txt")));
            assertEquals(0, Files.size(out.resolve("empty")));
            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            new Checkout(repo).show("HEAD:shots/010/plate.bin", shown);
            assertArrayEquals(edited, shown.toByteArray());
            assertTrue(new Fsck(repo).run(P).ok());
        }
    }

    @Test
    void checkoutRefusesToOverwriteUncommittedWorkUnlessForced() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "one");
        try (Repository repo = init()) {
            new Add(repo).run(dir, List.of("a.txt"), P);
            new CommitOp(repo).run("1", AUTHOR, false);
            Files.writeString(dir.resolve("a.txt"), "two");
            new Add(repo).run(dir, List.of("a.txt"), P);
            new CommitOp(repo).run("2", AUTHOR, false);
            Files.writeString(dir.resolve("a.txt"), "three, unsaved");
            assertThrows(WouldOverwriteException.class, () -> new Checkout(repo).run("HEAD~1", false, P));
            assertEquals("three, unsaved", Files.readString(dir.resolve("a.txt")));
            new Checkout(repo).run("HEAD~1", true, P);
            assertEquals("one", Files.readString(dir.resolve("a.txt")));
            assertTrue(new Status(repo).run(P).clean());
            new Checkout(repo).run("main", false, P);
            assertEquals("two", Files.readString(dir.resolve("a.txt")));
            assertEquals("main", repo.head().branchName().orElseThrow());
        }
    }

    @Test
    void statCacheSkipsUnchangedFilesButNotEditedOnes() throws Exception {
        Path f = dir.resolve("clip.bin");
        Files.write(f, random(3, 200_000));
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        try (Repository repo = init()) {
            assertEquals(1, new Add(repo).run(dir, List.of("."), P).read());
            assertEquals(0, new Add(repo).run(dir, List.of("."), P).read(), "unchanged file is not read again");
            Files.write(f, random(4, 200_000));
            Files.setLastModifiedTime(
                    f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 30_000));
            assertEquals(1, new Add(repo).run(dir, List.of("."), P).read(), "an edit with a new mtime is read");
        }
    }

    /** A tree that names "..": written past the model's encoder, refused by every reader. */
    @Test
    void aHostileTreeIsRefusedAtCheckout() throws Exception {
        try (Repository repo = init()) {
            byte[] payload = "owned".getBytes();
            dev.forge.core.hash.Blake3Hasher h = dev.forge.core.hash.Blake3.newHasher();
            ObjectId chunk = h.hash(payload, 0, payload.length);
            for (String evil : List.of("..", ".forge", "a/b")) {
                byte[] tree = new dev.forge.core.model.BinaryWriter(64)
                        .u8(1)
                        .varint(1)
                        .u8(1)
                        .u8(0)
                        .string(evil)
                        .varint(payload.length)
                        .id(chunk)
                        .toByteArray();
                ObjectId treeId = h.hash(dev.forge.core.model.ObjectType.TREE, tree, 0, tree.length);
                dev.forge.core.model.Commit c = new dev.forge.core.model.Commit(
                        treeId, List.of(), AUTHOR, java.time.OffsetDateTime.now(), "evil");
                byte[] commit = c.encode();
                ObjectId commitId = h.hash(dev.forge.core.model.ObjectType.COMMIT, commit, 0, commit.length);
                try (dev.forge.core.port.ObjectWriter w =
                        StoreAccess.store(repo).objects().newWriter()) {
                    w.put(
                            chunk,
                            dev.forge.core.model.ObjectType.CHUNK,
                            dev.forge.core.codec.Codec.RAW,
                            payload.length,
                            payload,
                            0,
                            payload.length);
                    w.put(
                            treeId,
                            dev.forge.core.model.ObjectType.TREE,
                            dev.forge.core.codec.Codec.RAW,
                            tree.length,
                            tree,
                            0,
                            tree.length);
                    w.put(
                            commitId,
                            dev.forge.core.model.ObjectType.COMMIT,
                            dev.forge.core.codec.Codec.RAW,
                            commit.length,
                            commit,
                            0,
                            commit.length);
                }
                Path out = dir.resolveSibling(dir.getFileName() + "-evil");
                var e = assertThrows(
                        dev.forge.core.error.IntegrityException.class,
                        () -> new Checkout(repo).into(commitId.hex(), out, P));
                assertTrue(e.getMessage().contains("unsafe"), e.getMessage());
                assertThrows(
                        dev.forge.core.error.IntegrityException.class,
                        () -> new Checkout(repo).run(commitId.hex(), true, P));
                assertFalse(Files.exists(dir.getParent().resolve("owned")));
                assertFalse(Files.exists(dir.resolve(".forge/owned")));
            }
        }
    }

    @Test
    void userMistakesAreTypedErrors() throws Exception {
        try (Repository repo = init()) {
            assertThrows(NotFoundException.class, () -> new Add(repo).run(dir, List.of("missing.bin"), P));
            assertThrows(InvalidInputException.class, () -> new Add(repo).run(dir, List.of("../elsewhere"), P));
            assertThrows(InvalidInputException.class, () -> new Add(repo).run(dir, List.of(".forge"), P));
            assertThrows(NotFoundException.class, () -> repo.resolve("HEAD"));
            assertThrows(CommitOp.NothingToCommitException.class, () -> new CommitOp(repo).run("x", AUTHOR, false));
            assertThrows(InvalidInputException.class, () -> new CommitOp(repo).run("x", "no-angle-brackets", true));
            Files.writeString(dir.resolve("a"), "a");
            new Add(repo).run(dir, List.of("a"), P);
            new CommitOp(repo).run("1", AUTHOR, false);
            assertThrows(NotFoundException.class, () -> repo.resolve("HEAD~5"));
            assertThrows(NotFoundException.class, () -> repo.resolve("nope"));
        }
    }

    /**
     * Status skips comparing HEAD's trees while the stage still has the digest the last commit
     * recorded; any change to the stage, by any writer (here a raw update that leaves the recorded
     * tree in place, as an older forge would), must bring the comparison back.
     */
    @Test
    void statusTrustsTheCommittedStageTreeOnlyWhileTheStageIsUnchanged() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a\n");
        Files.writeString(dir.resolve("b.txt"), "b\n");
        try (Repository repo = init()) {
            new Add(repo).run(dir, List.of("."), P);
            ObjectId c = new CommitOp(repo).run("v1", AUTHOR, false).commit();
            var known = StoreAccess.store(repo).metadata().stageTree().orElseThrow();
            assertEquals(new History(repo).log(c.hex(), 1).get(0).commit().tree(), known.tree());
            assertEquals(known.stageDigest(), StoreAccess.store(repo).metadata().forEachStage(e -> {}));
            assertTrue(new Status(repo).run(P).clean());

            // An older writer drops b.txt from the stage and does not know about the recorded tree.
            StoreAccess.store(repo).metadata().newUpdate().deleteStage("b.txt").commit();
            assertTrue(StoreAccess.store(repo).metadata().stageTree().isPresent());
            Status.Report r = new Status(repo).run(P);
            assertEquals(List.of(new Status.Change("b.txt", Status.ChangeKind.DELETED)), r.staged());
            assertEquals(List.of("b.txt"), r.untracked());

            // Staged again: the same stored bytes, the same digest, clean again.
            new Add(repo).run(dir, List.of("b.txt"), P);
            assertEquals(known.stageDigest(), StoreAccess.store(repo).metadata().forEachStage(e -> {}));
            assertTrue(new Status(repo).run(P).clean());

            // A modified file staged: the digest changes and status reports it.
            Files.writeString(dir.resolve("a.txt"), "a, edited\n");
            new Add(repo).run(dir, List.of("a.txt"), P);
            assertEquals(
                    List.of(new Status.Change("a.txt", Status.ChangeKind.MODIFIED)),
                    new Status(repo).run(P).staged());
        }
    }
}
