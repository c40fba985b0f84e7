package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forge evict}: chunks safe on the remote leave the local store; what is needed stays. */
class EvictTest {
    @TempDir
    Path tmp;

    private static boolean local(Repository repo, ObjectId commit, String path) {
        var c = repo.objects()
                .files(repo.objects().commit(commit).tree())
                .get(path)
                .content();
        if (!repo.objectStore().contains(c.id())) return false;
        if (c.type() != ObjectType.LIST) return true;
        for (ChunkList.ChunkRef ch : repo.objects().list(c.id()).chunks())
            if (!repo.objectStore().contains(ch.id())) return false;
        return true;
    }

    @Test
    void evictDropsPushedVersionsKeepsUnpushedWorkAndFetchesOnDemand() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        byte[][] v = {random(1, 2_000_000), random(2, 2_000_000), random(3, 2_000_000)};
        ObjectId[] c = new ObjectId[3];
        try (Repository repo = init(a)) {
            for (int i = 0; i < 3; i++) {
                Files.write(a.resolve("plate.exr"), v[i]);
                c[i] = commit(repo, "v" + i);
            }
            addRemote(repo, tmp.resolve("remote").toString());
            push(repo, "main");
            // Unpushed work on another branch: never evicted, whatever its age.
            repo.begin("test").setRef("refs/heads/wip", c[2]).commit();
            new dev.forge.core.repo.Branches(repo).switchTo("wip", false, false, P);
            byte[] wip = random(9, 1_500_000);
            Files.write(a.resolve("wip.exr"), wip);
            ObjectId w = commit(repo, "wip");
            new dev.forge.core.repo.Branches(repo).switchTo("main", false, false, P);

            Evict.Result dry;
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                dry = new Evict(repo).run(r, Duration.ZERO, true, P);
            }
            assertTrue(dry.gc().sweep().deadObjects() > 0);
            assertTrue(local(repo, c[0], "plate.exr"), "a dry run changes nothing");
            assertFalse(repo.lazyRemote().isPresent());

            Evict.Result done;
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                done = new Evict(repo).run(r, Duration.ZERO, false, P);
            }
            assertTrue(done.gc().sweep().bytesAfter() < done.gc().sweep().bytesBefore() - 3_500_000, done.toString());
            assertFalse(local(repo, c[0], "plate.exr"));
            assertFalse(local(repo, c[1], "plate.exr"));
            assertFalse(local(repo, c[2], "plate.exr"), "the checked-out version lives in the work tree only");
            assertTrue(local(repo, w, "wip.exr"), "unpushed work stays");
            assertEquals("origin", repo.lazyRemote().orElseThrow());
            Fsck.Report fsck = new Fsck(repo).run(P);
            assertTrue(fsck.ok(), fsck.problems().toString());
            assertEquals(3, fsck.remoteOnly());
        }
        // A later command fetches an evicted version when it needs it.
        try (Repository repo = Repository.open(RemoteProtocolContract.STORES, a)) {
            repo.lazyFetch(new LazyFetch(repo, "origin", RemoteOptions.defaults()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Checkout(repo).show(c[0].hex() + ":plate.exr", out);
            assertArrayEquals(v[0], out.toByteArray());
        }
    }

    /** A content fetcher for a remote that cannot be reached. */
    private static final dev.forge.core.port.ContentFetcher UNREACHABLE = (paths, contents) -> {
        throw new dev.forge.core.error.RemoteUnavailableException("remote unreachable (test): " + paths, false);
    };

    @Test
    void theCheckedOutVersionIsReadBackFromTheWorkTreeVerifiedNeverTrusted() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        byte[] v1 = random(1, 3_000_000);
        byte[] v2 = v1.clone();
        for (int i = 1_500_000; i < 1_500_100; i++) v2[i] ^= 0x5a; // an edit in the middle: most chunks shared
        ObjectId c1;
        ObjectId c2;
        try (Repository repo = init(a)) {
            Files.write(a.resolve("plate.exr"), v1);
            c1 = commit(repo, "v1");
            Files.write(a.resolve("plate.exr"), v2);
            c2 = commit(repo, "v2");
            addRemote(repo, tmp.resolve("remote").toString());
            push(repo, "main");
            long before = new dev.forge.core.repo.Stats(repo).usage().packBytes();
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Evict(repo).run(r, Duration.ZERO, false, P);
            }
            long after = new dev.forge.core.repo.Stats(repo).usage().packBytes();
            assertTrue(before > 3_000_000 && after < 300_000, before + " -> " + after);
            assertFalse(local(repo, c2, "plate.exr"));
        }
        // The remote is gone: the checked-out version still comes back, from the work tree, verified.
        try (Repository repo = Repository.open(RemoteProtocolContract.STORES, a)) {
            repo.lazyFetch(UNREACHABLE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Checkout(repo).show(c2.hex() + ":plate.exr", out);
            assertArrayEquals(v2, out.toByteArray());
            // v1 shares all but the edited chunk with the work tree: that one needs the remote.
            org.junit.jupiter.api.Assertions.assertThrows(
                    dev.forge.core.error.RemoteUnavailableException.class,
                    () -> new Checkout(repo).show(c1.hex() + ":plate.exr", new ByteArrayOutputStream()));
        }
        // An edited work-tree file is not a source: its bytes do not hash to the ids.
        try (Repository repo = Repository.open(RemoteProtocolContract.STORES, a)) {
            repo.lazyFetch(UNREACHABLE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Checkout(repo).show(c2.hex() + ":plate.exr", out); // recovered above: stored again
            assertArrayEquals(v2, out.toByteArray());
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Evict(repo).run(r, Duration.ZERO, false, P);
            }
            Files.write(a.resolve("plate.exr"), random(7, 3_000_000));
            org.junit.jupiter.api.Assertions.assertThrows(
                    dev.forge.core.error.RemoteUnavailableException.class,
                    () -> new Checkout(repo).show(c2.hex() + ":plate.exr", new ByteArrayOutputStream()));
            repo.lazyFetch(new LazyFetch(repo, "origin", RemoteOptions.defaults()));
            out.reset();
            new Checkout(repo).show(c1.hex() + ":plate.exr", out);
            assertArrayEquals(v1, out.toByteArray());
        }
    }

    @Test
    void evictedChunksStillDeduplicateSoAnEditStoresOnlyItsNewChunks() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        byte[] v1 = random(4, 4_000_000);
        try (Repository repo = init(a)) {
            Files.write(a.resolve("layers.psd"), v1);
            commit(repo, "v1");
            addRemote(repo, tmp.resolve("remote").toString());
            push(repo, "main");
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Evict(repo).run(r, Duration.ZERO, false, P);
            }
            assertTrue(dev.forge.core.repo.EvictedSet.load(repo.forgeDir()).size() > 1);
            long before = new dev.forge.core.repo.Stats(repo).usage().packBytes();
            byte[] v2 = v1.clone();
            for (int i = 2_000_000; i < 2_000_050; i++) v2[i] = 0; // one layer touched
            Files.write(a.resolve("layers.psd"), v2);
            commit(repo, "v2");
            long grew = new dev.forge.core.repo.Stats(repo).usage().packBytes() - before;
            assertTrue(grew < 1_000_000, "only the edited chunks are stored, not the file again: " + grew);
            // And a push sends only those: the remote has the rest.
            push(repo, "main");
        }
        Path b = tmp.resolve("b");
        new Clone(RemoteProtocolContract.STORES).run(tmp.resolve("remote").toString(), tmp, b, null, P);
        byte[] expected = Files.readAllBytes(a.resolve("layers.psd"));
        assertArrayEquals(expected, Files.readAllBytes(b.resolve("layers.psd")));
    }

    @Test
    void aSizeLimitEvictsTheLeastRecentlyUsedPacksFirst() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        ObjectId[] c = new ObjectId[3];
        try (Repository repo = init(a)) {
            for (int i = 0; i < 3; i++) {
                Files.write(a.resolve("plate.exr"), random(20 + i, 1_000_000));
                c[i] = commit(repo, "v" + i);
            }
            addRemote(repo, tmp.resolve("remote").toString());
            push(repo, "main");
            // Last used: v0 now, v1 an hour ago, v2 (checked out) two hours ago.
            long now = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) {
                var content = repo.objects()
                        .files(repo.objects().commit(c[i]).tree())
                        .get("plate.exr")
                        .content();
                ObjectId chunk =
                        repo.objects().list(content.id()).chunks().get(0).id();
                String pack = repo.objectStore().stat(chunk).orElseThrow().pack();
                Files.setLastModifiedTime(
                        a.resolve(".forge/packs/" + pack),
                        java.nio.file.attribute.FileTime.fromMillis(now - i * 3_600_000L));
            }
            long size = new dev.forge.core.repo.Stats(repo).usage().packBytes();
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                assertEquals(null, new Evict(repo).runToSize(r, size, size / 2, P), "within the limit: nothing");
                Evict.Result x = new Evict(repo).runToSize(r, size - 1, size - 1_500_000, P);
                assertTrue(x.gc().sweep().bytesAfter() <= size - 1_500_000, x.toString());
            }
            assertTrue(local(repo, c[0], "plate.exr"), "used most recently: stays");
            assertFalse(local(repo, c[1], "plate.exr"));
            assertFalse(local(repo, c[2], "plate.exr"), "used longest ago: first to go (the work tree holds it)");
            assertTrue(new Fsck(repo).run(P).ok());
        }
    }

    @Test
    void anEvictedRepositoryStillPushesEverythingToAnotherRemote() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        byte[] v1 = random(30, 2_000_000);
        byte[] v2 = random(31, 2_000_000);
        try (Repository repo = init(a)) {
            Files.write(a.resolve("plate.exr"), v1);
            commit(repo, "v1");
            Files.write(a.resolve("plate.exr"), v2);
            commit(repo, "v2");
            addRemote(repo, tmp.resolve("remote").toString());
            push(repo, "main");
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Evict(repo).run(r, Duration.ZERO, false, P);
            }
            assertTrue(new dev.forge.core.repo.Stats(repo).usage().packBytes() < 200_000);
            // A backup remote added later wants every version: the checked-out one comes back from the
            // work tree, the old one from origin, both verified.
            repo.lazyFetch(new LazyFetch(repo, "origin", RemoteOptions.defaults()));
            new Remotes(repo).add("backup", tmp.resolve("backup").toString(), repo.root());
            try (Remote r = new Remotes(repo).open("backup", 4)) {
                new Push(repo, r).packSize(1 << 20).run("main", "main", P);
            }
        }
        Path b = tmp.resolve("b");
        RemoteProtocolContract.cloneTo(tmp.resolve("backup").toString(), b);
        assertArrayEquals(v2, Files.readAllBytes(b.resolve("plate.exr")));
        try (Repository repo = Repository.open(RemoteProtocolContract.STORES, b)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Checkout(repo).show("HEAD~1:plate.exr", out);
            assertArrayEquals(v1, out.toByteArray());
            assertTrue(new Fsck(repo).run(P).ok());
        }
    }

    @Test
    void keepRecentKeepsTheVersionsOfRecentCommits() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        ObjectId first;
        try (Repository repo = init(a)) {
            Files.write(a.resolve("plate.exr"), random(1, 1_000_000));
            first = commit(repo, "v1");
            Files.write(a.resolve("plate.exr"), random(2, 1_000_000));
            commit(repo, "v2");
            addRemote(repo, tmp.resolve("remote").toString());
            push(repo, "main");
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Evict(repo).run(r, Duration.ofDays(7), false, P);
            }
            assertTrue(local(repo, first, "plate.exr"), "made a moment ago: kept for 7 days");
        }
    }
}
