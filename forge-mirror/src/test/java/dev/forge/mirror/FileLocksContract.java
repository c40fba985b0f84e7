package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.LockHeldException;
import dev.forge.core.error.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileLocks} against one kind of remote, through the {@link dev.forge.core.port.BlobStore}
 * contract only: subclasses say where the remote is (a folder, S3Proxy).
 */
public abstract class FileLocksContract {
    @TempDir
    protected Path tmp;

    /** A URL of an empty remote, distinct per call. */
    protected abstract String newRemoteUrl();

    private String url;

    /** A client of the test's remote with its own .forge folder (its own clone). */
    protected Remote client(String name) throws Exception {
        if (url == null) url = newRemoteUrl();
        Path forgeDir = Files.createDirectories(tmp.resolve(name).resolve(".forge"));
        return Remote.open("origin", url, forgeDir, 4);
    }

    private static FileLocks.Owner owner(String who, String clone) {
        return new FileLocks.Owner(who + " <" + who.toLowerCase(java.util.Locale.ROOT) + "@studio.example>", clone);
    }

    static final FileLocks.Owner ANA = owner("Ana", "a".repeat(32));
    static final FileLocks.Owner BEN = owner("Ben", "b".repeat(32));

    @Test
    void aLockIsRefusedToOthersNamingTheHolderAndIdempotentForItsHolder() throws Exception {
        try (Remote a = client("a");
                Remote b = client("b")) {
            FileLocks la = new FileLocks(a);
            FileLocks lb = new FileLocks(b);
            FileLocks.Taken t = la.lock("art/hero shot.psd", ANA, "main", "repainting the sky");
            assertFalse(t.already());
            assertEquals("art/hero shot.psd", t.lock().path());
            LockHeldException e =
                    assertThrows(LockHeldException.class, () -> lb.lock("art/hero shot.psd", BEN, "main", null));
            assertTrue(e.getMessage().contains("Ana <ana@studio.example>"), e.getMessage());
            assertTrue(e.getMessage().contains("repainting the sky"), e.getMessage());
            FileLocks.Taken again = la.lock("art/hero shot.psd", ANA, "main", null);
            assertTrue(again.already());
            assertEquals(t.lock().id(), again.lock().id());
            // Same person, another machine: a different clone, so refused.
            assertThrows(
                    LockHeldException.class,
                    () -> lb.lock("art/hero shot.psd", new FileLocks.Owner(ANA.who(), "c".repeat(32)), "main", null));
            FileLocks.Lock found = lb.find("art/hero shot.psd").orElseThrow();
            assertEquals(ANA.cloneId(), found.cloneId());
            assertEquals("main", found.branch());
            assertTrue(found.heldBy(ANA));
        }
    }

    @Test
    void onlyTheHolderUnlocksUnlessForcedAndTheHolderLearnsOfItOnce() throws Exception {
        try (Remote a = client("a");
                Remote b = client("b")) {
            FileLocks la = new FileLocks(a);
            FileLocks lb = new FileLocks(b);
            la.lock("a.psd", ANA, "main", null);
            la.lock("b.psd", ANA, "main", null);
            assertThrows(LockHeldException.class, () -> lb.unlock("a.psd", BEN, false));
            assertTrue(lb.find("a.psd").isPresent());
            FileLocks.Lock broken = lb.unlock("a.psd", BEN, true);
            assertEquals(ANA.who(), broken.owner());
            assertTrue(lb.find("a.psd").isEmpty());
            assertThrows(NotFoundException.class, () -> lb.unlock("a.psd", BEN, true));
            lb.lock("a.psd", BEN, "main", null);

            List<FileLocks.Broken> seen = la.broken();
            assertEquals(1, seen.size(), seen::toString);
            assertEquals("a.psd", seen.getFirst().path());
            assertEquals(BEN.who(), seen.getFirst().now().owner());
            assertEquals(List.of(), la.broken(), "reported once");
            la.unlock("b.psd", ANA, false);
            assertEquals(List.of(), la.broken(), "an unlock of one's own is no broken lock");
            assertEquals(List.of(), lb.broken());
        }
    }

    @Test
    void oneListingTellsWhichPathsAreLockedAndAllReadsThem() throws Exception {
        try (Remote a = client("a")) {
            FileLocks la = new FileLocks(a);
            assertEquals(Map.of(), la.locksOn(List.of("x.psd")));
            assertEquals(List.of(), la.all(4));
            for (String p : List.of("z/3.psd", "1.psd", "ü/naïve name.ma")) la.lock(p, ANA, "main", null);
            assertEquals(
                    Set.of("1.psd", "ü/naïve name.ma"),
                    la.locksOn(List.of("1.psd", "2.psd", "ü/naïve name.ma")).keySet());
            assertEquals(
                    List.of("1.psd", "z/3.psd", "ü/naïve name.ma"),
                    la.all(4).stream().map(FileLocks.Lock::path).toList());
            assertEquals(3, la.lockedBlobs().size());
        }
    }

    @Test
    void manyPathsAreLockedInParallelAndOneHeldByAnotherRefusesOnlyItself() throws Exception {
        try (Remote a = client("a");
                Remote b = client("b")) {
            FileLocks la = new FileLocks(a);
            FileLocks lb = new FileLocks(b);
            lb.lock("frames/f05.exr", BEN, "main", "mine");
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 12; i++) paths.add(String.format(java.util.Locale.ROOT, "frames/f%02d.exr", i));
            List<FileLocks.Outcome<FileLocks.Taken>> got = la.lockAll(paths, ANA, "main", null, 4);
            assertEquals(paths, got.stream().map(FileLocks.Outcome::path).toList(), "in the order given");
            for (FileLocks.Outcome<FileLocks.Taken> o : got) {
                if (o.path().equals("frames/f05.exr")) {
                    assertNull(o.value());
                    assertTrue(o.refused() instanceof LockHeldException, String.valueOf(o.refused()));
                    assertTrue(
                            o.refused().getMessage().contains("Ben"),
                            o.refused().getMessage());
                } else {
                    assertNull(o.refused());
                    assertFalse(o.value().already());
                }
            }
            assertEquals(12, la.all(4).size());
            // More paths than are read directly: one listing, then reads of the locked ones only.
            List<String> asked = new ArrayList<>(paths);
            for (int i = 0; i < 8; i++) asked.add("other/o" + i + ".exr");
            assertTrue(asked.size() > FileLocks.DIRECT_READS);
            assertEquals(
                    new java.util.HashSet<>(paths),
                    la.locksOn(asked).keySet(),
                    "every lock among them, whoever holds it");
            assertEquals(
                    Set.of("frames/f05.exr"),
                    lb.locksOn(List.of("frames/f05.exr", "other/o1.exr")).keySet());
            // This clone remembers the 11 it took: unlocking them all (and one not locked) in one go.
            List<String> mine = new ArrayList<>(paths);
            mine.remove("frames/f05.exr");
            mine.add("frames/never.exr");
            List<FileLocks.Outcome<FileLocks.Lock>> released = la.unlockAll(mine, ANA, false, 4);
            assertEquals(11, released.stream().filter(o -> o.value() != null).count());
            assertTrue(released.getLast().refused() instanceof NotFoundException);
            assertEquals(
                    List.of("frames/f05.exr"),
                    la.all(4).stream().map(FileLocks.Lock::path).toList());
            assertEquals(List.of(), la.broken(), "nothing of ours was broken");
        }
    }

    /**
     * A clone's first {@code forge locks} reads the snapshot another clone left, not every lock; a line
     * of it that its token does not vouch for (forged, or stale) is read from the lock itself.
     */
    @Test
    void aFirstListingOfManyLocksReadsTheSharedSnapshotNotEveryLock() throws Exception {
        try (Remote a = client("a");
                Remote b = client("b")) {
            FileLocks la = new FileLocks(a);
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < FileLocks.SNAPSHOT_MIN + 6; i++) paths.add("plates/p" + i + ".dpx");
            la.lockAll(paths, ANA, "main", null, 8);
            boolean tokens = a.blobs().list(FileLocks.PREFIX).getFirst().token() != null;
            la.all(4); // reads them all, and leaves the snapshot
            if (!tokens) {
                assertTrue(a.blobs().get(FileLocks.SNAPSHOT).isEmpty(), "no tokens, no snapshot");
                return;
            }
            // Forge one line: Ben's name on plates/p3's lock, under the real lock's token.
            String snap =
                    new String(a.blobs().get(FileLocks.SNAPSHOT).orElseThrow().data(), StandardCharsets.US_ASCII);
            String p3 = FileLocks.blobName("plates/p3.dpx");
            StringBuilder forged = new StringBuilder();
            for (String line : snap.lines().toList()) {
                if (line.startsWith(p3 + " ")) {
                    String[] parts = line.split(" ");
                    String json = new String(java.util.Base64.getDecoder().decode(parts[2]), StandardCharsets.UTF_8);
                    line = parts[0] + " " + parts[1] + " "
                            + java.util.Base64.getEncoder()
                                    .encodeToString(json.replace("Ana", "Ben").getBytes(StandardCharsets.UTF_8));
                }
                forged.append(line).append('\n');
            }
            a.blobs().put(FileLocks.SNAPSHOT, forged.toString().getBytes(StandardCharsets.US_ASCII));
            long before = b.meter().requests();
            List<FileLocks.Lock> seen = new FileLocks(b).all(4);
            assertEquals(paths.size(), seen.size());
            long requests = b.meter().requests() - before;
            assertTrue(requests <= 4, "the listing, the snapshot and the one lock it could not vouch for: " + requests);
            for (FileLocks.Lock l : seen) assertEquals(ANA.who(), l.owner(), l.path());
        }
    }

    /** On a store whose listing gives version tokens (S3), a second `forge locks` is one listing. */
    @Test
    void locksReadBeforeComeFromTheCacheUntilTheyChange() throws Exception {
        try (Remote a = client("a");
                Remote b = client("b")) {
            FileLocks la = new FileLocks(a);
            for (int i = 0; i < 30; i++) la.lock("shots/s" + i + ".exr", ANA, "main", null);
            assertEquals(30, la.all(4).size());
            boolean tokens = a.blobs().list(FileLocks.PREFIX).getFirst().token() != null;
            long before = a.meter().requests();
            List<FileLocks.Lock> again = la.all(4);
            assertEquals(30, again.size());
            assertEquals(tokens ? 1 : 31, a.meter().requests() - before, "one listing, plus reads without tokens");
            FileLocks lb = new FileLocks(b);
            lb.unlock("shots/s7.exr", BEN, true);
            lb.lock("shots/s7.exr", BEN, "main", "mine now");
            lb.unlock("shots/s8.exr", BEN, true);
            List<FileLocks.Lock> now = la.all(4);
            assertEquals(29, now.size());
            FileLocks.Lock s7 = now.stream()
                    .filter(l -> l.path().equals("shots/s7.exr"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(BEN.who(), s7.owner(), "a changed lock is read again");
        }
    }

    @Test
    void aDamagedLockStillHoldsAndOnlyForceRemovesIt() throws Exception {
        try (Remote a = client("a")) {
            a.blobs().put(FileLocks.blobName("x.psd"), "{not json".getBytes(StandardCharsets.US_ASCII));
            FileLocks la = new FileLocks(a);
            assertThrows(LockHeldException.class, () -> la.lock("x.psd", ANA, "main", null));
            assertThrows(LockHeldException.class, () -> la.unlock("x.psd", ANA, false));
            la.unlock("x.psd", ANA, true);
            assertFalse(la.lock("x.psd", ANA, "main", null).already());
        }
    }

    @Test
    void twentySimultaneousLocksOfOnePathHaveExactlyOneWinner() throws Exception {
        int n = 20;
        List<Remote> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) clients.add(client("c" + i));
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                FileLocks locks = new FileLocks(clients.get(i));
                FileLocks.Owner me = owner("User" + i, String.format("%032x", i));
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        locks.lock("scene.ma", me, "main", null);
                        return "won " + me.who();
                    } catch (LockHeldException e) {
                        return "lost: " + e.getMessage();
                    }
                }));
            }
            go.countDown();
            List<String> won = new ArrayList<>();
            List<String> lost = new ArrayList<>();
            for (Future<String> f : results) (f.get().startsWith("won ") ? won : lost).add(f.get());
            assertEquals(1, won.size(), () -> won + " " + lost);
            String winner = won.getFirst().substring(4);
            for (String l : lost) assertTrue(l.contains(winner), l);
            assertEquals(
                    winner,
                    new FileLocks(clients.getFirst())
                            .find("scene.ma")
                            .orElseThrow()
                            .owner());
        } finally {
            for (Remote r : clients) r.close();
        }
    }

    @Test
    void theBranchRuleGuardsTheLocksBranchAndEveryBranchForAMainlineLock() {
        FileLocks.Lock onMain = new FileLocks.Lock("a", "x", "c", "main", java.time.Instant.EPOCH, null, "1");
        FileLocks.Lock onFeature = new FileLocks.Lock("a", "x", "c", "feature", java.time.Instant.EPOCH, null, "1");
        FileLocks.Lock detached = new FileLocks.Lock("a", "x", "c", null, java.time.Instant.EPOCH, null, "1");
        Set<String> mainline = Set.of("main");
        assertTrue(FileLocks.guards(onMain, "main", mainline));
        assertTrue(FileLocks.guards(onMain, "feature", mainline));
        assertTrue(FileLocks.guards(onFeature, "feature", mainline));
        assertFalse(FileLocks.guards(onFeature, "main", mainline));
        assertFalse(FileLocks.guards(onFeature, "other", mainline));
        assertTrue(FileLocks.guards(detached, "other", mainline));
        assertNull(detached.branch());
    }
}
