package dev.forge.core.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Gc;
import dev.forge.core.repo.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention policy: its format and merge, its evaluation, and local gc and reads under it. */
class RetentionTest {
    private static final String AUTHOR = "Test <test@forge.invalid>";
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private Repository repo;

    @BeforeEach
    void init() {
        repo = Repository.init(new MemLocalStoreFactory(), dir, RepoConfig.defaults());
        repo.setGcGraceDays(0);
    }

    @AfterEach
    void close() {
        repo.close();
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void write(String path, byte[] bytes) throws Exception {
        Files.createDirectories(dir.resolve(path).getParent());
        Files.write(dir.resolve(path), bytes);
    }

    private ObjectId commitAll(String msg) {
        new Add(repo).run(dir, List.of("."), P);
        return new CommitOp(repo).run(msg, AUTHOR, false).commit();
    }

    private ContentRef content(ObjectId commit, String path) {
        return repo.objects()
                .files(repo.objects().commit(commit).tree())
                .get(path)
                .content();
    }

    private static RetentionPolicy.Rule keepLast(String glob, int n, long at) {
        return new RetentionPolicy.Rule(glob, null, RetentionPolicy.Kind.KEEP_LAST, n, at);
    }

    @Test
    void policyRoundTripsAndMergesRuleByRuleLaterWins() {
        RetentionPolicy a = RetentionPolicy.empty()
                .with(keepLast("renders/**", 1, 10))
                .with(new RetentionPolicy.Rule("cache/**", "main", RetentionPolicy.Kind.KEEP_WITHIN, 86400, 11));
        RetentionPolicy parsed = RetentionPolicy.parse(a.encode(), "test");
        assertEquals(a, parsed);
        assertTrue(a.encode().contains("keep-within 86400 11 main cache/**\n"));
        // Another clone removed renders/** later, and set a glob with a space: both survive the merge.
        RetentionPolicy b = RetentionPolicy.empty()
                .with(new RetentionPolicy.Rule("renders/**", null, RetentionPolicy.Kind.REMOVED, 0, 20))
                .with(keepLast("my renders/*", 3, 5));
        RetentionPolicy m = a.merge(b);
        assertEquals(m, b.merge(a));
        assertEquals(2, m.active().size());
        assertFalse(m.find("renders/**", null).orElseThrow().active());
        // An older copy does not bring the rule back.
        assertEquals(m, m.merge(a));
        assertThrows(ForgeException.class, () -> RetentionPolicy.parse("forge-retention 2\n", "test"));
        assertThrows(ForgeException.class, () -> RetentionPolicy.parse(HEADER_PLUS("keep-newest 1 1 * x"), "t"));
        assertThrows(ForgeException.class, () -> RetentionPolicy.parse(HEADER_PLUS("keep-last x 1 * x"), "t"));
    }

    private static String HEADER_PLUS(String line) {
        return RetentionPolicy.HEADER + "\n" + line + "\n";
    }

    @Test
    void purgeRecordMergesByUnion() {
        ObjectId x = ObjectId.parse("11".repeat(32));
        ObjectId y = ObjectId.parse("22".repeat(32));
        PurgeRecord a =
                PurgeRecord.empty().with(List.of(new PurgeRecord.Entry(x, 1, PurgeRecord.Why.RETENTION, "'r/**'")));
        PurgeRecord b =
                PurgeRecord.empty().with(List.of(new PurgeRecord.Entry(y, 2, PurgeRecord.Why.OBLITERATED, "key.txt")));
        PurgeRecord m = a.merge(b);
        assertEquals(m, PurgeRecord.parse(m.encode(), "t"));
        assertEquals(2, m.size());
        assertEquals(1, m.without(List.of(x)).size());
    }

    @Test
    void keepLastCountsVersionsPerPathAlongTheFirstParentChain() throws Exception {
        List<ObjectId> commits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            write("renders/a.bin", random(i, 3000));
            if (i % 2 == 0) write("renders/b.bin", random(100 + i, 3000)); // b changes at 0, 2, 4
            write("notes.txt", ("note " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            commits.add(commitAll("c" + i));
        }
        RetentionPolicy p = RetentionPolicy.empty().with(keepLast("renders/**", 2, 1));
        Map<ObjectId, RetentionPolicy.Rule> gone = new Retention(repo.objects(), p)
                .purgeable(Map.of("main", commits.get(4)), List.of(), List.of(), Instant.now());
        // a: versions 4, 3 kept; 0, 1, 2 purged. b: versions of 4 and 2 kept (3 equals 2), 0 purged.
        for (int i = 0; i < 3; i++)
            assertTrue(gone.containsKey(content(commits.get(i), "renders/a.bin").id()));
        assertFalse(gone.containsKey(content(commits.get(3), "renders/a.bin").id()));
        assertTrue(gone.containsKey(content(commits.get(0), "renders/b.bin").id()));
        assertFalse(gone.containsKey(content(commits.get(2), "renders/b.bin").id()));
        assertEquals(4, gone.size());
        // A tag on the first commit keeps that commit whole.
        Map<ObjectId, RetentionPolicy.Rule> tagged = new Retention(repo.objects(), p)
                .purgeable(Map.of("main", commits.get(4)), List.of(commits.get(0)), List.of(), Instant.now());
        assertFalse(tagged.containsKey(content(commits.get(0), "renders/a.bin").id()));
        // A rule for another branch does not count along main: only main's tip is kept.
        RetentionPolicy other = RetentionPolicy.empty()
                .with(new RetentionPolicy.Rule("renders/**", "release", RetentionPolicy.Kind.KEEP_LAST, 2, 1));
        assertEquals(
                6,
                new Retention(repo.objects(), other)
                        .purgeable(Map.of("main", commits.get(4)), List.of(), List.of(), Instant.now())
                        .size());
    }

    @Test
    void keepWithinKeepsTheVersionCurrentWhenTheWindowOpened() throws Exception {
        List<ObjectId> commits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            write("r/a.bin", random(i, 3000));
            commits.add(commitAll("c" + i));
        }
        Instant last = repo.objects().commit(commits.get(2)).time().toInstant();
        RetentionPolicy p = RetentionPolicy.empty()
                .with(new RetentionPolicy.Rule("r/**", null, RetentionPolicy.Kind.KEEP_WITHIN, 3600, 1));
        // An hour later, only the tip's version was current in the window... and it was the newest.
        Map<ObjectId, RetentionPolicy.Rule> gone = new Retention(repo.objects(), p)
                .purgeable(Map.of("main", commits.get(2)), List.of(), List.of(), last.plusSeconds(7200));
        assertEquals(2, gone.size());
        // Within the hour, every version was current at some point in the window.
        assertTrue(new Retention(repo.objects(), p)
                .purgeable(Map.of("main", commits.get(2)), List.of(), List.of(), last.plusSeconds(60))
                .isEmpty());
    }

    @Test
    void gcPurgesOldVersionsKeepsSharedChunksAndReadsSayPurged() throws Exception {
        byte[] shared = random(7, 200_000);
        List<ObjectId> commits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] own = random(i, 200_000);
            byte[] file = new byte[shared.length + own.length];
            System.arraycopy(shared, 0, file, 0, shared.length);
            System.arraycopy(own, 0, file, shared.length, own.length);
            write("renders/frame.bin", file);
            write("readme.txt", ("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            commits.add(commitAll("c" + i));
        }
        RetentionPolicy.empty().with(keepLast("renders/**", 1, 1)).save(repo.forgeDir());
        Gc.Report r = new Gc(repo).run(false, P);
        assertEquals(3, r.purged());
        assertTrue(r.sweep().bytesBefore() - r.sweep().bytesAfter() > 400_000, "three own halves freed");
        // The kept version still reads (its shared chunks stayed).
        Path into = dir.resolveSibling(dir.getFileName() + "-out");
        Checkout.Result tip = new Checkout(repo).into("main", into, P);
        assertTrue(tip.purged().isEmpty());
        // An old commit: the rest is written, the purged file listed.
        Path old = dir.resolveSibling(dir.getFileName() + "-old");
        Checkout.Result first = new Checkout(repo).into(commits.get(0).hex(), old, P);
        assertEquals(List.of("renders/frame.bin"), first.purged());
        assertEquals("v0", Files.readString(old.resolve("readme.txt")));
        assertFalse(Files.exists(old.resolve("renders/frame.bin")));
        NotFoundException e = assertThrows(
                NotFoundException.class,
                () -> new Checkout(repo)
                        .show(commits.get(1).hex() + ":renders/frame.bin", java.io.OutputStream.nullOutputStream()));
        assertTrue(
                e.getMessage().contains("purged by the retention policy 'renders/**' (keep last 1)"), e.getMessage());
        Fsck.Report f = new Fsck(repo).run(P);
        assertTrue(f.ok(), f.problems().toString());
        assertEquals(3, f.purged().size());
        // A second gc finds nothing more, and keeps the record.
        assertEquals(0, new Gc(repo).run(false, P).purged());
        assertEquals(3, PurgeRecord.load(repo.forgeDir()).size());
        // Moving HEAD to the old commit writes what it has and lists the purged file.
        Checkout.Result moved = new Checkout(repo).run(commits.get(0).hex(), false, P);
        assertEquals(List.of("renders/frame.bin"), moved.purged());
        assertFalse(Files.exists(dir.resolve("renders/frame.bin")));
        new Branches(repo).switchTo("main", false, false, P);
        assertTrue(Files.exists(dir.resolve("renders/frame.bin")));
    }
}
