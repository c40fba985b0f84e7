package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.STORES;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.cloneTo;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.origin;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.BlobStore;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import dev.forge.core.retain.PurgeRecord;
import dev.forge.core.retain.RetentionPolicy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and obliteration on a folder remote (and S3Proxy, in the subclass): gc under the policy, the
 * purge record, clones that see it.
 */
class RemoteRetentionTest {
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());

    @TempDir
    Path tmp;

    /** A remote's URL (a folder here; S3Proxy in {@link S3RemoteRetentionTest}). */
    protected String url(String name) {
        return tmp.resolve(name).toString();
    }

    private BlobStore store(String url) {
        return Remote.openStore(url, tmp, RemoteOptions.defaults());
    }

    private long size(String url) {
        long n = 0;
        for (BlobStore.BlobInfo b : store(url).list("packs/")) n += b.length();
        return n;
    }

    private RemoteGc.Result gc(Repository repo) {
        try (Remote r = origin(repo)) {
            return new RemoteGc(repo, r).clock(now::get).run(Duration.ZERO, false, P);
        }
    }

    private static String text(BlobStore s, String name) {
        return new String(s.get(name).orElseThrow().data(), StandardCharsets.UTF_8);
    }

    @Test
    void remoteGcDropsVersionsOutsideThePolicyKeepsSharedChunksAndClonesSeePurged() throws Exception {
        String url = url("remote");
        Path a = Files.createDirectories(tmp.resolve("a"));
        byte[] shared = random(99, 300_000);
        List<ObjectId> commits = new ArrayList<>();
        try (Repository repo = init(a)) {
            addRemote(repo, url);
            for (int i = 0; i < 5; i++) {
                byte[] own = random(i, 300_000);
                byte[] frame = new byte[shared.length + own.length];
                System.arraycopy(shared, 0, frame, 0, shared.length);
                System.arraycopy(own, 0, frame, shared.length, own.length);
                Files.createDirectories(a.resolve("renders"));
                Files.write(a.resolve("renders/frame.bin"), frame);
                Files.writeString(a.resolve("notes.txt"), "take " + i);
                commits.add(commit(repo, "take " + i));
                push(repo, "main");
            }
            RetentionPolicy.empty()
                    .with(new RetentionPolicy.Rule("renders/**", null, RetentionPolicy.Kind.KEEP_LAST, 1, 1))
                    .save(repo.forgeDir());
            push(repo, "main"); // up to date: still carries the policy
            assertTrue(text(store(url), "retention").contains("keep-last 1 1 * renders/**"));
            assertTrue(text(store(url), "config").contains("\"retention\""));
            long before = size(url);

            RemoteGc.Result first = gc(repo);
            assertEquals(4, first.contentsPurged(), first.toString());
            assertEquals(0, first.packsDeleted(), "the run that finds packs dead deletes none: " + first);
            assertTrue(text(store(url), "config").contains("\"purge\""));
            PurgeRecord record = PurgeRecord.parse(text(store(url), "purged"), "purged");
            assertEquals(4, record.size());
            now.addAndGet(1000);
            RemoteGc.Result second = gc(repo);
            assertTrue(second.packsDeleted() > 0, second.toString());
            long after = size(url);
            // Four own halves of ~300 kB (random bytes do not compress), the shared half stays.
            assertTrue(before - after > 4 * 280_000, before + " -> " + after);
            assertTrue(before - after < 4 * 300_000 + 200_000, "the shared chunks stay: " + before + " -> " + after);
            // A third run finds nothing missing: the purged contents are recorded, not damage.
            RemoteGc.Result third = gc(repo);
            assertEquals(0, third.contentsPurged());
        }
        Path c = tmp.resolve("clone");
        cloneTo(url, c);
        try (Repository clone = Repository.open(STORES, c)) {
            Fsck.Report f = new Fsck(clone).run(P);
            assertTrue(f.ok(), f.problems().toString());
            assertEquals(4, f.purged().size(), f.purged().toString());
            assertEquals(1, RetentionPolicy.load(clone.forgeDir()).active().size(), "the clone has the policy");
            NotFoundException e = assertThrows(
                    NotFoundException.class,
                    () -> new Checkout(clone)
                            .show(commits.get(0).hex() + ":renders/frame.bin", new ByteArrayOutputStream()));
            assertTrue(e.getMessage().contains("retention policy 'renders/**' (keep last 1)"), e.getMessage());
            ByteArrayOutputStream notes = new ByteArrayOutputStream();
            new Checkout(clone).show(commits.get(0).hex() + ":notes.txt", notes);
            assertEquals("take 0", notes.toString(StandardCharsets.UTF_8));
            ByteArrayOutputStream tip = new ByteArrayOutputStream();
            new Checkout(clone).show("main:renders/frame.bin", tip);
            assertArrayEquals(Files.readAllBytes(a.resolve("renders/frame.bin")), tip.toByteArray());
        }
        // The original purges locally too, then pushes its whole history to a new remote: the purged
        // versions go as a record, and a clone of that remote sees them as purged.
        String second = url("second");
        try (Repository repo = Repository.open(STORES, a)) {
            assertEquals(4, new dev.forge.core.repo.Gc(repo).run(false, P).purged());
            new Remotes(repo).add("second", second, repo.root());
            try (Remote r = new Remotes(repo).open("second", 4)) {
                new Push(repo, r).run("main", "main", P);
            }
        }
        assertEquals(
                4, PurgeRecord.parse(text(store(second), "purged"), "purged").size());
        Path c2 = tmp.resolve("clone2");
        cloneTo(second, c2);
        try (Repository clone = Repository.open(STORES, c2)) {
            Fsck.Report f = new Fsck(clone).run(P);
            assertTrue(f.ok(), f.problems().toString());
            assertEquals(4, f.purged().size(), f.purged().toString());
        }
    }

    @Test
    void obliterateRemovesAContentFromTheStoreAndTheRemoteInOneRun() throws Exception {
        String url = url("remote");
        Path a = Files.createDirectories(tmp.resolve("a"));
        byte[] secret = random(7, 200_000);
        ObjectId leaked;
        try (Repository repo = init(a)) {
            addRemote(repo, url);
            Files.write(a.resolve("keep.bin"), random(1, 100_000));
            Files.write(a.resolve("licence.key"), secret);
            leaked = commit(repo, "oops");
            Files.delete(a.resolve("licence.key"));
            commit(repo, "remove the key");
            push(repo, "main");
            long before = size(url);
            Obliterate o = new Obliterate(repo);
            assertThrows(NotFoundException.class, () -> o.contents(List.of("nothere.key"), null));
            var contents = o.contents(List.of("licence.key"), null);
            assertEquals(1, contents.size());
            assertEquals(
                    contents.keySet(),
                    o.contents(List.of("licence.key"), leaked.hex()).keySet(),
                    "--rev");
            assertThrows(NotFoundException.class, () -> o.contents(List.of("licence.key"), "main"), "not in main");
            // What is checked out is refused: it must be removed and committed first.
            assertThrows(dev.forge.core.error.InvalidInputException.class, () -> o.contents(List.of("keep.bin"), null));
            ObjectId content = contents.keySet().iterator().next();
            Obliterate.Result r = o.run(contents, List.of("origin"), name -> origin(repo), P);
            assertEquals(Map.of(), r.failed());
            assertFalse(repo.objectStore().contains(content), "gone from the local store");
            RemoteGc.Result remote = r.remotes().get("origin");
            assertTrue(remote.packsDeleted() > 0, remote.toString());
            assertTrue(before - size(url) > 190_000, before + " -> " + size(url) + " " + remote);
            try (Remote rem = origin(repo)) {
                assertFalse(rem.indexCache().sync().index().contains(content), "gone from the remote's indexes");
            }
            NotFoundException e = assertThrows(
                    NotFoundException.class,
                    () -> new Checkout(repo).show(leaked.hex() + ":licence.key", new ByteArrayOutputStream()));
            assertTrue(e.getMessage().contains("obliterated"), e.getMessage());
            assertTrue(new Fsck(repo).run(P).ok());
        }
        Path c = tmp.resolve("clone");
        cloneTo(url, c);
        try (Repository clone = Repository.open(STORES, c)) {
            Fsck.Report f = new Fsck(clone).run(P);
            assertTrue(f.ok(), f.problems().toString());
            assertEquals(1, f.purged().size());
            assertTrue(f.purged().get(0).contains("obliterated"), f.purged().toString());
        }
    }
}
