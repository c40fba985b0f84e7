package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.LocalStoreFactory.IndexRebuildReport;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Undo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the index is an integrity error naming the file, and {@code rebuildIndex} brings back
 * objects from the packs and refs, HEAD, remotes, the stage and the op log from the old index or the
 * journal. Each test starts from a repository with two branches, a tag, a remote and a staged change.
 */
class IndexRebuildTest {
    private static final String AUTHOR = "Test <test@forge.invalid>";
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();
    private byte[] big;

    /** What the repository held before the damage. */
    private record State(
            SortedMap<String, ObjectId> refs,
            Head head,
            SortedMap<String, String> remotes,
            SortedMap<String, StageEntry> stage,
            List<Operation> ops) {
        static State of(Repository repo) {
            return new State(
                    repo.refs("refs/"),
                    repo.head(),
                    repo.remotes(),
                    repo.stage().copy(),
                    new Undo(repo).log(Integer.MAX_VALUE));
        }
    }

    private State before;

    @BeforeEach
    void repository() throws IOException {
        big = new byte[2_000_000];
        new Random(7).nextBytes(big);
        Files.write(dir.resolve("plate.bin"), big);
        Files.writeString(dir.resolve("notes.txt"), "v1\n");
        try (Repository repo = Repository.init(factory, dir, RepoConfig.defaults())) {
            new Add(repo).run(dir, List.of("."), P);
            new CommitOp(repo).run("v1", AUTHOR, false);
            new Branches(repo).createBranch("feature", "HEAD");
            new Branches(repo).createTag("v1", "HEAD");
            Files.writeString(dir.resolve("notes.txt"), "v2\n");
            new Add(repo).run(dir, List.of("."), P);
            new CommitOp(repo).run("v2", AUTHOR, false);
            repo.begin("remote add origin")
                    .setRemote("origin", "/mnt/nas/shots")
                    .commit();
            Files.writeString(dir.resolve("staged.txt"), "staged, not committed\n");
            new Add(repo).run(dir, List.of("staged.txt"), P);
            before = State.of(repo);
        }
        assertEquals(3, before.refs().size(), "main, feature, tag v1: " + before.refs());
        assertTrue(before.stage().containsKey("staged.txt"));
    }

    private Path index() {
        return dir.resolve(".forge/index");
    }

    private Path manifest() throws IOException {
        try (Stream<Path> s = Files.list(index())) {
            return s.filter(p -> p.getFileName().toString().startsWith("MANIFEST-"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** Everything is back as it was, every file reads back, and fsck finds nothing. */
    private void assertRestored(boolean withOpLog) throws IOException {
        try (Repository repo = Repository.open(factory, dir)) {
            State after = State.of(repo);
            assertEquals(before.refs(), after.refs());
            assertEquals(before.head(), after.head());
            assertEquals(before.remotes(), after.remotes());
            assertEquals(before.stage(), after.stage());
            if (withOpLog) {
                assertEquals(before.ops().size(), after.ops().size());
                for (int i = 0; i < before.ops().size(); i++)
                    assertEquals(
                            before.ops().get(i).command(), after.ops().get(i).command());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Checkout(repo).show("HEAD:plate.bin", out);
            assertArrayEquals(big, out.toByteArray());
            out.reset();
            new Checkout(repo).show("v1:notes.txt", out);
            assertEquals("v1\n", out.toString(StandardCharsets.UTF_8));
            Fsck.Report fsck = new Fsck(repo).run(P);
            assertTrue(fsck.ok(), fsck.problems().toString());
        }
    }

    @Test
    void aDeletedManifestIsAnIntegrityErrorNamingItAndTheJournalBringsEverythingBack() throws IOException {
        Path manifest = manifest();
        Files.delete(manifest);
        IntegrityException e = assertThrows(IntegrityException.class, () -> Repository.open(factory, dir));
        assertTrue(e.getMessage().contains(manifest.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("forge repair --index"), e.getMessage());

        IndexRebuildReport r = Repository.rebuildIndex(factory, dir, P);
        assertEquals("the journal", r.refsFrom());
        assertEquals(0, r.damagedRecords());
        assertTrue(r.objects() > 10, r.toString());
        assertNotNull(r.oldIndex());
        assertTrue(Files.isDirectory(r.oldIndex()), "the old index is kept: " + r.oldIndex());
        assertRestored(true);
    }

    @Test
    void aGarbageCurrentFileIsAnIntegrityErrorNamingIt() throws IOException {
        Files.writeString(index().resolve("CURRENT"), "garbage\n");
        IntegrityException e = assertThrows(IntegrityException.class, () -> Repository.open(factory, dir));
        assertTrue(e.getMessage().contains("CURRENT"), e.getMessage());
        Repository.rebuildIndex(factory, dir, P);
        assertRestored(true);
    }

    @Test
    void aMissingIndexIsAnIntegrityErrorAndIsRebuilt() throws IOException {
        IndexRebuild.deleteTree(index());
        IntegrityException e = assertThrows(IntegrityException.class, () -> Repository.open(factory, dir));
        assertTrue(e.getMessage().contains("forge repair --index"), e.getMessage());
        IndexRebuildReport r = Repository.rebuildIndex(factory, dir, P);
        assertEquals(null, r.oldIndex());
        assertRestored(true);
    }

    @Test
    void aReadableIndexIsCopiedFromWithoutTheJournal() throws IOException {
        Files.delete(dir.resolve(".forge/journal"));
        IndexRebuildReport r = Repository.rebuildIndex(factory, dir, P);
        assertEquals("the old index", r.refsFrom());
        assertEquals("the old index", r.stageFrom());
        assertRestored(true);
    }

    @Test
    void withoutIndexOrJournalEveryCommitWithoutChildrenBecomesABranch() throws IOException {
        // feature moves on, so there are two tips: main's v2 and feature's own commit
        try (Repository repo = Repository.open(factory, dir)) {
            new Branches(repo).switchTo("feature", false, true, P);
            // Commit times are whole seconds: in the same second as v2 neither tip would be the newest.
            long second = System.currentTimeMillis() / 1000;
            while (System.currentTimeMillis() / 1000 == second)
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            Files.writeString(dir.resolve("feature.txt"), "f\n");
            new Add(repo).run(dir, List.of("feature.txt"), P);
            new CommitOp(repo).run("on feature", AUTHOR, false);
            before = State.of(repo);
        }
        Files.delete(manifest());
        Files.delete(dir.resolve(".forge/journal"));
        IndexRebuildReport r = Repository.rebuildIndex(factory, dir, P);
        assertTrue(r.refsFrom().contains("names lost"), r.refsFrom());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("recovered/")),
                r.notes().toString());
        try (Repository repo = Repository.open(factory, dir)) {
            SortedMap<String, ObjectId> refs = repo.refs("refs/");
            assertEquals(2, refs.size(), refs.toString());
            assertTrue(refs.containsValue(before.refs().get("refs/heads/main")));
            ObjectId feature = before.refs().get("refs/heads/feature");
            assertTrue(refs.containsValue(feature));
            // HEAD goes to the newest tip; both commits may carry the same second, so either may be it
            assertTrue(refs.containsValue(repo.headCommit().orElseThrow()), "HEAD is on a recovered tip");
            assertTrue(repo.describeHead().startsWith("recovered/"), repo.describeHead());
            Fsck.Report fsck = new Fsck(repo).run(P);
            assertTrue(fsck.ok(), fsck.problems().toString());
        }
    }

    @Test
    void aRebuildKilledBetweenItsRenamesIsRunAgainFromTheOldIndex() throws IOException {
        Files.delete(dir.resolve(".forge/journal")); // so only the old index can tell the refs
        Files.move(index(), dir.resolve(".forge/" + IndexRebuild.OLD_PREFIX + "20200101-000000-000"));
        Path half = Files.createDirectories(dir.resolve(".forge/" + IndexRebuild.NEW_DIR));
        Files.writeString(half.resolve("000001.sst"), "half-built leftovers");
        IndexRebuildReport r = Repository.rebuildIndex(factory, dir, P);
        assertEquals("the old index", r.refsFrom());
        assertFalse(Files.exists(half));
        assertRestored(true);
    }

    @Test
    void aDamagedPackRecordIsSkippedAndNamed() throws IOException {
        Path pack;
        try (Stream<Path> s = Files.list(dir.resolve(".forge/packs"))) {
            pack = s.max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
                    .orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            long at = PackFormat.HEADER_SIZE + PackFormat.RECORD_HEADER_SIZE + 100; // in the first payload
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
        Files.delete(manifest());
        IndexRebuildReport r = Repository.rebuildIndex(factory, dir, P);
        assertEquals(1, r.damagedRecords());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains(pack.getFileName().toString()) && n.contains("offset 16")),
                r.notes().toString());
        try (Repository repo = Repository.open(factory, dir)) {
            assertEquals(before.refs(), repo.refs("refs/"));
            assertFalse(new Fsck(repo).run(P).ok(), "the lost chunk is reported by fsck");
        }
    }

    @Test
    void theJournalSurvivesATornTailAndAGap() throws IOException {
        Path journal = dir.resolve(".forge/journal");
        Files.write(journal, new byte[] {0, 0, 0, 40, 1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        try (Repository repo = Repository.open(factory, dir)) {
            new Branches(repo).createBranch("after-tear", "HEAD");
            before = State.of(repo);
        }
        Files.delete(journal); // an append that failed: the next one writes the whole state again
        try (Repository repo = Repository.open(factory, dir)) {
            new Branches(repo).createBranch("after-gap", "HEAD");
            before = State.of(repo);
        }
        Files.delete(manifest());
        IndexRebuildReport r = Repository.rebuildIndex(factory, dir, P);
        assertEquals("the journal", r.refsFrom());
        assertRestored(true);
    }
}
