package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.STORES;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.assertSameFiles;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Gc;
import dev.forge.core.repo.Repository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forge clone --lazy}: only what the checkout writes is downloaded; the rest comes when needed. */
class LazyCloneTest {
    @TempDir
    Path tmp;

    private static boolean local(Repository repo, ObjectId commit, String path) {
        StageEntry e =
                repo.objects().files(repo.objects().commit(commit).tree()).get(path);
        var c = e.content();
        if (!repo.objectStore().contains(c.id())) return false;
        if (c.type() != ObjectType.LIST) return true;
        for (ChunkList.ChunkRef ch : repo.objects().list(c.id()).chunks())
            if (!repo.objectStore().contains(ch.id())) return false;
        return true;
    }

    private Path lazyClone(String url, Path dir) {
        new Clone(STORES).parallelism(4).lazy(true).run(url, dir.getParent(), dir, null, P);
        return dir;
    }

    /** Opens a clone with lazy fetch installed, as every command does (CommonOptions). */
    private static Repository open(Path dir) {
        Repository repo = Repository.open(STORES, dir);
        repo.lazyFetch(new LazyFetch(repo, repo.lazyRemote().orElseThrow(), RemoteOptions.defaults()));
        return repo;
    }

    @Test
    void aLazyCloneHoldsOnlyTheCheckedOutVersionAndFetchesOlderOnesWhenNeeded() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        byte[][] versions = {random(1, 2_000_000), random(2, 2_000_000), random(3, 2_000_000)};
        ObjectId[] commits = new ObjectId[3];
        String url = tmp.resolve("remote").toString();
        try (Repository repo = init(a)) {
            for (int i = 0; i < 3; i++) {
                Files.write(a.resolve("plate.exr"), versions[i]);
                Files.writeString(a.resolve("notes.txt"), "take " + i + "\n");
                commits[i] = commit(repo, "v" + i);
            }
            addRemote(repo, url);
            push(repo, "main");
        }
        Path b = lazyClone(url, tmp.resolve("b"));
        assertSameFiles(a, b);
        try (Repository repo = open(b)) {
            assertEquals("origin", repo.lazyRemote().orElseThrow());
            assertFalse(local(repo, commits[2], "plate.exr"), "the checked-out version is in the work tree only");
            long packBytes = new dev.forge.core.repo.Stats(repo).usage().packBytes();
            assertTrue(packBytes < 200_000, "one copy of the checkout, not two: .forge holds " + packBytes);
            assertFalse(local(repo, commits[0], "plate.exr"), "old versions stay on the remote");
            assertFalse(local(repo, commits[1], "plate.exr"));
            Fsck.Report fsck = new Fsck(repo).run(P);
            assertTrue(fsck.ok(), fsck.problems().toString());
            assertEquals(
                    6, fsck.remoteOnly(), "three plates and three notes, the checkout's in the work tree: " + fsck);

            // show of an old version fetches exactly it.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Checkout(repo).show(commits[0].hex() + ":plate.exr", out);
            assertArrayEquals(versions[0], out.toByteArray());
            assertTrue(local(repo, commits[0], "plate.exr"));
            assertFalse(local(repo, commits[1], "plate.exr"));

            // A checkout of an old commit fetches what it writes.
            new Checkout(repo).run(commits[1].hex(), false, P);
            assertArrayEquals(versions[1], Files.readAllBytes(b.resolve("plate.exr")));
            new Checkout(repo).run("main", false, P);
            assertArrayEquals(versions[2], Files.readAllBytes(b.resolve("plate.exr")));

            // gc keeps what is here and does not trip over what is not.
            new Gc(repo).run(false, P);
            assertTrue(new Fsck(repo).run(P).ok());
        }
    }

    @Test
    void aLazyClonePushesNewCommitsAndPullsOnlyWhatItChecksOut() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots"));
        String url = tmp.resolve("remote").toString();
        try (Repository repo = init(a)) {
            Files.write(a.resolve("shots/010.exr"), random(10, 1_500_000));
            Files.write(a.resolve("shots/020.exr"), random(20, 1_500_000));
            commit(repo, "v1");
            addRemote(repo, url);
            push(repo, "main");
        }
        Path b = lazyClone(url, tmp.resolve("b"));
        try (Repository repo = open(b)) {
            // A change to one file in a folder whose other file's list is not here: push needs neither.
            Files.write(b.resolve("shots/010.exr"), random(11, 1_500_000));
            commit(repo, "from b");
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Push(repo, r).run("main", "main", P);
            }
        }
        try (Repository repo = Repository.open(STORES, a)) {
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Pull(repo, r).run(P);
            }
            assertSameFiles(a, b);
            Files.write(a.resolve("shots/030.exr"), random(30, 1_500_000));
            commit(repo, "v3");
            push(repo, "main");
        }
        try (Repository repo = open(b)) {
            Pull.Result pulled;
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                pulled = new Pull(repo, r).run(P);
            }
            assertEquals(Pull.Outcome.FAST_FORWARD, pulled.outcome());
            assertSameFiles(a, b);
        }
    }

    @Test
    void anUnreachableRemoteNamesThePathItCouldNotFetch() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        Path remote = tmp.resolve("remote");
        ObjectId first;
        try (Repository repo = init(a)) {
            Files.write(a.resolve("plate.exr"), random(1, 1_000_000));
            first = commit(repo, "v1");
            Files.write(a.resolve("plate.exr"), random(2, 1_000_000));
            commit(repo, "v2");
            addRemote(repo, remote.toString());
            push(repo, "main");
        }
        Path b = lazyClone(remote.toString(), tmp.resolve("b"));
        Files.move(remote, tmp.resolve("gone"));
        try (Repository repo = open(b)) {
            var e = assertThrows(
                    dev.forge.core.error.RemoteUnavailableException.class,
                    () -> new Checkout(repo).show(first.hex() + ":plate.exr", new ByteArrayOutputStream()));
            assertTrue(e.getMessage().contains("plate.exr"), e.getMessage());
        }
    }
}
