package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.STORES;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.assertSameFiles;
import static dev.forge.mirror.RemoteProtocolContract.cloneTo;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.origin;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.model.ObjectId;
import dev.forge.core.port.BlobStore;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.Listings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote gc: what it deletes, when, and what it must never delete. Against a folder remote here;
 * subclasses run the same tests against S3Proxy and a fake GitHub.
 */
class RemoteGcTest {
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);

    @TempDir
    Path tmp;

    /** The URL of this test's remote (one per test). */
    protected String url() {
        return tmp.resolve("remote").toString();
    }

    /** The remote's blob store, to look at. */
    BlobStore store(String url) {
        return Remote.openStore(url, tmp, RemoteOptions.defaults());
    }

    private RemoteGc.Result gc(Repository repo, Duration grace, boolean dryRun) {
        try (Remote r = origin(repo)) {
            return new RemoteGc(repo, r).clock(now::get).run(grace, dryRun, P);
        }
    }

    private Set<String> packs(String remote) {
        return store(remote).list("packs/").stream()
                .map(BlobStore.BlobInfo::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private long size(String remote) {
        long n = 0;
        for (BlobStore.BlobInfo b : store(remote).list("packs/")) n += b.length();
        return n;
    }

    private void deleteRemoteBranch(Repository repo, String branch) {
        try (Remote r = origin(repo)) {
            new Push(repo, r).deleteBranch(branch);
        }
    }

    private void branch(Repository repo, String name, ObjectId commit) {
        repo.begin("test").setRef("refs/heads/" + name, commit).commit();
    }

    /** Clones {@code branch} (its tip checked out) and checks it whole: fsck clean, files as expected. */
    private void assertClonesWhole(String remote, Path expected) throws Exception {
        Path c = tmp.resolve("clone-" + System.nanoTime());
        cloneTo(remote, c);
        try (Repository repo = Repository.open(STORES, c)) {
            assertTrue(new Fsck(repo).run(P).ok(), "fsck of the clone");
        }
        assertSameFiles(expected, c);
    }

    @Test
    void aDeadPackGoesOnlyInALaterRunAfterTheGraceAndBytesAreFreed() throws Exception {
        String remote = url();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.write(a.resolve("keep.bin"), random(1, 400_000));
        try (Repository repo = init(a)) {
            ObjectId main = commit(repo, "main");
            addRemote(repo, remote.toString());
            push(repo, "main");
            Files.write(a.resolve("render.bin"), random(2, 2_500_000));
            ObjectId big = commit(repo, "a big render");
            branch(repo, "render", big);
            push(repo, "render");
            repo.begin("test").setRef("refs/heads/main", main).commit();
            long before = size(remote);
            deleteRemoteBranch(repo, "render");

            RemoteGc.Result dry = gc(repo, Duration.ZERO, true);
            assertTrue(dry.objectsToFree() > 30, "the render's chunks, its tree and commit: " + dry);
            assertTrue(dry.bytesToFree() > 2_400_000, "about the render's size: " + dry);
            assertEquals(before, size(remote), "a dry run changes nothing");
            assertFalse(store(remote).get("gc/pending").isPresent(), "a dry run writes no record");

            RemoteGc.Result first = gc(repo, Duration.ofHours(1), false);
            assertEquals(0, first.packsDeleted(), "the run that finds a pack dead never deletes it");
            assertTrue(first.packsPending() >= 2, first.toString());
            assertEquals(before, size(remote));

            now.addAndGet(Duration.ofMinutes(30).toMillis());
            RemoteGc.Result early = gc(repo, Duration.ofHours(1), false);
            assertEquals(0, early.packsDeleted(), "within the grace: " + early);

            now.addAndGet(Duration.ofMinutes(31).toMillis());
            RemoteGc.Result due = gc(repo, Duration.ofHours(1), false);
            assertEquals(first.packsPending(), due.packsDeleted(), due.toString());
            assertEquals(0, due.packsPending());
            long after = size(remote);
            assertTrue(before - after > 2_400_000, before + " -> " + after);
            assertEquals(before - after, due.bytesDeleted());

            // pack-list names exactly what is left.
            var listed =
                    Listings.parse(store(remote).get("pack-list").orElseThrow().data(), "pack-list");
            assertEquals(packs(remote), listed.keySet());
            String config = new String(store(remote).get("config").orElseThrow().data(), StandardCharsets.UTF_8);
            assertTrue(config.contains("\"gc\""), config);
        }
        Files.delete(a.resolve("render.bin"));
        assertClonesWhole(remote, a);
    }

    @Test
    void aMostlyDeadPackIsRewrittenAndTheOldOneGoesNextRun() throws Exception {
        String remote = url();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.write(a.resolve("small.bin"), random(3, 100_000));
        Files.write(a.resolve("big.bin"), random(4, 700_000));
        try (Repository repo = init(a)) {
            ObjectId both = commit(repo, "both");
            branch(repo, "tmp", both);
            addRemote(repo, remote.toString());
            push(repo, "tmp");
            deleteRemoteBranch(repo, "tmp");
        }
        // A fresh repository whose main has only small.bin: its chunks are in tmp's pack, with big.bin's.
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.write(b.resolve("small.bin"), random(3, 100_000));
        try (Repository repo = init(b)) {
            commit(repo, "small alone");
            addRemote(repo, remote.toString());
            Push.Result pushed = push(repo, "main");
            assertEquals(2, pushed.objects(), "only the commit and its tree: the chunks are in tmp's pack");
            long before = size(remote);
            RemoteGc.Result first = gc(repo, Duration.ZERO, false);
            assertTrue(first.packsRewritten() >= 1, first.toString());
            assertEquals(0, first.packsDeleted());
            now.addAndGet(1000);
            RemoteGc.Result second = gc(repo, Duration.ZERO, false);
            assertTrue(second.packsDeleted() >= 1, second.toString());
            assertTrue(before - size(remote) > 600_000, before + " -> " + size(remote));
        }
        assertClonesWhole(remote, b);
    }

    @Test
    void aPackThatAPushReliedOnAfterItWasFoundDeadIsKept() throws Exception {
        String remote = url();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.write(a.resolve("shot.bin"), random(5, 900_000));
        try (Repository repo = init(a)) {
            ObjectId c = commit(repo, "shot");
            branch(repo, "x", c);
            addRemote(repo, remote.toString());
            push(repo, "x");
            deleteRemoteBranch(repo, "x");
            RemoteGc.Result first = gc(repo, Duration.ZERO, false);
            assertTrue(first.packsPending() >= 1, first.toString());
            Set<String> marked = packs(remote);
            // A push that finds every object on the remote (in packs gc recorded dead) sends none.
            branch(repo, "y", c);
            Push.Result y;
            try (Remote r = origin(repo)) {
                y = new Push(repo, r).packSize(1 << 20).run("y", "y", P);
            }
            assertEquals(0, y.objects(), "the push relied on the dead packs");
            now.addAndGet(1000);
            RemoteGc.Result second = gc(repo, Duration.ZERO, false);
            assertEquals(0, second.packsDeleted(), second.toString());
            assertEquals(0, second.packsPending(), "live again: out of the record");
            assertEquals(marked, packs(remote));
        }
        assertClonesWhole(remote, a);
    }

    @Test
    void deletingWaitsForAPushThatHoldsItsLease() throws Exception {
        String remote = url();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.write(a.resolve("keep.bin"), random(6, 50_000));
        try (Repository repo = init(a)) {
            ObjectId main = commit(repo, "main");
            addRemote(repo, remote.toString());
            push(repo, "main");
            Files.write(a.resolve("gone.bin"), random(7, 300_000));
            branch(repo, "gone", commit(repo, "gone"));
            push(repo, "gone");
            repo.begin("test").setRef("refs/heads/main", main).commit();
            deleteRemoteBranch(repo, "gone");
            gc(repo, Duration.ZERO, false);
            Set<String> before = packs(remote);
            now.addAndGet(1000);
            try (Remote r = origin(repo)) {
                GcLocks.Lease lease = GcLocks.push(r);
                var result = new java.util.concurrent.CompletableFuture<RemoteGc.Result>();
                var waiting = new java.util.concurrent.CountDownLatch(1);
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        try (Remote gr = origin(repo)) {
                            result.complete(new RemoteGc(repo, gr)
                                    .clock(now::get)
                                    .onWaitingForPushes(waiting::countDown)
                                    .run(Duration.ZERO, false, P));
                        }
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                });
                // The gc waits for the lease (in phase mark: other pushes go on meanwhile).
                waiting.await();
                assertTrue(new String(
                                store(remote).get(GcLocks.GC_LOCK).orElseThrow().data(), StandardCharsets.US_ASCII)
                        .contains(GcLocks.MARK));
                assertEquals(before, packs(remote), "nothing deleted while a push holds its lease");
                lease.close();
                t.join();
                assertTrue(result.get().packsDeleted() >= 1, result.get().toString());
            }
            assertTrue(packs(remote).size() < before.size());
            Files.delete(a.resolve("gone.bin"));
        }
        assertClonesWhole(remote, a);
    }

    @Test
    void aSecondGcIsRefusedWhileTheFirstLivesAndAStaleLockIsTakenOver() {
        BlobStore blobs = store(url());
        GcLocks.GcLock first = GcLocks.GcLock.acquire(blobs);
        var busy = org.junit.jupiter.api.Assertions.assertThrows(
                dev.forge.core.error.RepositoryBusyException.class, () -> GcLocks.GcLock.acquire(blobs));
        assertTrue(busy.getMessage().contains("another gc is running"), busy.getMessage());
        first.close();
        assertTrue(new String(blobs.get(GcLocks.GC_LOCK).orElseThrow().data(), StandardCharsets.US_ASCII)
                .startsWith("released "));
        GcLocks.GcLock.acquire(blobs).close();
        long dead = System.currentTimeMillis() - GcLocks.STALE.toMillis() - 60_000;
        blobs.put(GcLocks.GC_LOCK, ("0123 " + dead + " delete\n").getBytes(StandardCharsets.US_ASCII));
        GcLocks.GcLock.acquire(blobs).close();
    }

    @Test
    void aPushLeaseIgnoresADeadGcAndIsGoneWhenThePushEnds() throws Exception {
        BlobStore blobs = store(url());
        blobs.put(
                "config",
                "{\"format\": 1, \"writerFeatures\": [\"gc\", \"pack-list\"]}\n".getBytes(StandardCharsets.UTF_8));
        long dead = System.currentTimeMillis() - GcLocks.STALE.toMillis() - 60_000;
        blobs.put(GcLocks.GC_LOCK, ("0123 " + dead + " delete\n").getBytes(StandardCharsets.US_ASCII));
        try (Remote r = Remote.open("origin", url(), tmp.resolve("forge"), 1)) {
            GcLocks.Lease lease = GcLocks.push(r);
            assertEquals(1, blobs.list(GcLocks.PUSHES).size());
            assertEquals(1, GcLocks.livePushes(blobs));
            lease.close();
            assertEquals(0, blobs.list(GcLocks.PUSHES).size());
        }
    }
}
