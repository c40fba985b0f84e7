package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NonFastForwardException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.History;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import dev.forge.storage.RocksLocalStoreFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push/fetch/pull/clone protocol against one kind of remote, with real local repositories
 * (RocksDB + packs). Subclasses say where the remote is.
 */
public abstract class RemoteProtocolContract {
    static final String AUTHOR = "Test <test@forge.invalid>";
    static final ProgressListener P = ProgressListener.NONE;
    static final RocksLocalStoreFactory STORES = new RocksLocalStoreFactory();

    @TempDir
    protected Path tmp;

    /** A URL of an empty remote, distinct per call. */
    protected abstract String newRemoteUrl();

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Repository init(Path dir) {
        return Repository.init(STORES, dir, RepoConfig.defaults());
    }

    static ObjectId commit(Repository repo, String message) {
        new Add(repo).run(repo.root(), List.of("."), P);
        return new CommitOp(repo).run(message, AUTHOR, false).commit();
    }

    static void addRemote(Repository repo, String url) {
        new Remotes(repo).add("origin", url, repo.root());
    }

    static Remote origin(Repository repo) {
        return new Remotes(repo).open("origin", 4);
    }

    static Push.Result push(Repository repo, String branch) {
        try (Remote r = origin(repo)) {
            return new Push(repo, r).packSize(1 << 20).run(branch, branch, P);
        }
    }

    static Clone.Result cloneTo(String url, Path dir) {
        return new Clone(STORES).parallelism(4).run(url, dir.getParent(), dir, null, P);
    }

    /** Every regular file under {@code root} (outside .forge) with its bytes, for byte-for-byte comparison. */
    static java.util.SortedMap<String, byte[]> files(Path root) throws IOException {
        java.util.SortedMap<String, byte[]> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith(".forge") || !Files.isRegularFile(p)) continue;
                out.put(rel, Files.readAllBytes(p));
            }
        }
        return out;
    }

    static void assertSameFiles(Path a, Path b) throws IOException {
        var fa = files(a);
        var fb = files(b);
        assertEquals(fa.keySet(), fb.keySet());
        for (String k : fa.keySet()) assertArrayEquals(fa.get(k), fb.get(k), k);
    }

    void writeProject(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("shots/010"));
        Files.write(dir.resolve("shots/010/plate.bin"), random(1, 3_000_000));
        Files.write(dir.resolve("shots/010/small.bin"), random(2, 1000));
        Files.writeString(dir.resolve("notes.txt"), "v1\n".repeat(5000));
        Files.write(dir.resolve("empty"), new byte[0]);
    }

    @Test
    void pushCloneIsByteIdenticalAndAnEditSendsLittle() throws Exception {
        String url = newRemoteUrl();
        Path a = tmp.resolve("a");
        writeProject(a);
        try (Repository repo = init(a)) {
            ObjectId v1 = commit(repo, "v1");
            addRemote(repo, url);
            Push.Result r1 = push(repo, "main");
            assertEquals(v1, r1.commit());
            assertTrue(r1.packs() >= 2, "data and metadata go in separate packs: " + r1.packs());
            assertTrue(r1.bytesSent() > 3_000_000, "sent " + r1.bytesSent());
            assertEquals(v1, repo.ref("refs/remotes/origin/main").orElseThrow());
            assertTrue(push(repo, "main").upToDate());

            byte[] plate = Files.readAllBytes(a.resolve("shots/010/plate.bin"));
            System.arraycopy(random(3, 1000), 0, plate, 1_500_000, 1000);
            Files.write(a.resolve("shots/010/plate.bin"), plate);
            commit(repo, "v2");
            Push.Result r2 = push(repo, "main");
            assertTrue(
                    r2.bytesSent() < 700_000, "a 1000-byte edit sends a few chunks, not the file: " + r2.bytesSent());
        }
        Path b = tmp.resolve("b");
        Clone.Result c = cloneTo(url, b);
        assertEquals("main", c.branch());
        assertSameFiles(a, b);
        try (Repository clone = Repository.open(STORES, b)) {
            assertTrue(new Status(clone).run(P).clean());
            assertTrue(new Fsck(clone).run(P).problems().isEmpty());
            assertEquals(2, new History(clone).log(null, 10).size());
            assertEquals(
                    url.startsWith("/") ? Path.of(url).toUri().toString() : url,
                    clone.remotes().get("origin"));
        }
    }

    @Test
    void fetchAndPullFastForwardAndRefuseDivergedHistories() throws Exception {
        String url = newRemoteUrl();
        Path a = tmp.resolve("a");
        writeProject(a);
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, url);
            push(repo, "main");
        }
        Path b = tmp.resolve("b");
        cloneTo(url, b);
        ObjectId v2;
        try (Repository repo = Repository.open(STORES, a)) {
            Files.writeString(a.resolve("notes.txt"), "v2\n");
            Files.write(a.resolve("shots/new.bin"), random(9, 200_000));
            v2 = commit(repo, "v2");
            push(repo, "main");
        }
        try (Repository clone = Repository.open(STORES, b);
                Remote r = origin(clone)) {
            Pull.Result p = new Pull(clone, r).run(P);
            assertEquals(Pull.Outcome.FAST_FORWARD, p.outcome());
            assertEquals(v2, clone.resolve("main"));
            assertTrue(
                    p.fetch().bytesReceived() < 400_000,
                    "pull received " + p.fetch().bytesReceived());
        }
        assertSameFiles(a, b);
        try (Repository clone = Repository.open(STORES, b);
                Remote r = origin(clone)) {
            assertEquals(Pull.Outcome.UP_TO_DATE, new Pull(clone, r).run(P).outcome());
        }
        // Both sides commit: the second push and the second pull are refused, nothing changes.
        try (Repository repo = Repository.open(STORES, a)) {
            Files.writeString(a.resolve("notes.txt"), "a3\n");
            commit(repo, "a3");
            push(repo, "main");
        }
        try (Repository clone = Repository.open(STORES, b)) {
            Files.writeString(b.resolve("notes.txt"), "b3\n");
            ObjectId b3 = commit(clone, "b3");
            NonFastForwardException e = assertThrows(NonFastForwardException.class, () -> push(clone, "main"));
            assertTrue(e.getMessage().contains("pull"), e.getMessage());
            try (Remote r = origin(clone)) {
                NonFastForwardException e2 =
                        assertThrows(NonFastForwardException.class, () -> new Pull(clone, r).run(P));
                assertTrue(
                        e2.getMessage().contains("diverged") && e2.getMessage().contains("merge"), e2.getMessage());
            }
            assertEquals(b3, clone.resolve("main"));
            NonFastForwardException e3 = assertThrows(NonFastForwardException.class, () -> push(clone, "main"));
            assertTrue(e3.getMessage().contains("not an ancestor"), e3.getMessage());
            assertEquals("b3\n", Files.readString(b.resolve("notes.txt")));
        }
    }

    @Test
    void twoConcurrentPushesOfOneBranchExactlyOneWins() throws Exception {
        String url = newRemoteUrl();
        Path base = tmp.resolve("base");
        writeProject(base);
        try (Repository repo = init(base)) {
            commit(repo, "base");
            addRemote(repo, url);
            push(repo, "main");
        }
        int n = 3;
        List<Path> clones = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path c = tmp.resolve("c" + i);
            cloneTo(url, c);
            Files.write(c.resolve("work-" + i + ".bin"), random(100 + i, 500_000));
            try (Repository repo = Repository.open(STORES, c)) {
                commit(repo, "work " + i);
            }
            clones.add(c);
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        for (Path c : clones) {
            results.add(pool.submit(() -> {
                try (Repository repo = Repository.open(STORES, c)) {
                    go.await();
                    return push(repo, "main");
                } catch (NonFastForwardException e) {
                    return e;
                }
            }));
        }
        go.countDown();
        int won = 0;
        int winner = -1;
        for (int i = 0; i < n; i++) {
            Object r = results.get(i).get();
            if (r instanceof Push.Result) {
                won++;
                winner = i;
            } else {
                assertTrue(r instanceof NonFastForwardException, String.valueOf(r));
            }
        }
        pool.shutdown();
        assertEquals(1, won);
        // The winner's work is complete on the remote: a fresh clone has it, byte for byte.
        Path check = tmp.resolve("check");
        cloneTo(url, check);
        assertArrayEquals(
                Files.readAllBytes(clones.get(winner).resolve("work-" + winner + ".bin")),
                Files.readAllBytes(check.resolve("work-" + winner + ".bin")));
        // A loser pulls (refused: diverged), and keeps its commit.
        for (int i = 0; i < n; i++) {
            if (i == winner) continue;
            try (Repository repo = Repository.open(STORES, clones.get(i))) {
                assertTrue(Files.exists(clones.get(i).resolve("work-" + i + ".bin")));
                assertEquals(
                        "work " + i,
                        new History(repo).log(null, 1).get(0).commit().message());
            }
        }
    }

    @Test
    void fetchRefusesDamagedRemoteObjects() throws Exception {
        String url = newRemoteUrl();
        Path a = tmp.resolve("a");
        writeProject(a);
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, url);
            push(repo, "main");
            try (Remote r = origin(repo)) {
                damageOnePack(r);
            }
        }
        Path b = tmp.resolve("b");
        IntegrityException e = assertThrows(IntegrityException.class, () -> cloneTo(url, b));
        assertTrue(e.getMessage().contains("damaged") || e.getMessage().contains("checksum"), e.getMessage());
        assertFalse(Files.exists(b), "a failed clone leaves nothing behind");
    }

    /** Flips one payload byte in the largest pack. */
    static void damageOnePack(Remote r) {
        var blobs = r.blobs();
        var biggest = blobs.list("packs/").stream()
                .filter(b -> b.name().endsWith(".pack"))
                .max(java.util.Comparator.comparingLong(dev.forge.core.port.BlobStore.BlobInfo::length))
                .orElseThrow();
        byte[] data = blobs.get(biggest.name()).orElseThrow().data();
        data[data.length / 2] ^= 0x40;
        blobs.put(biggest.name(), data);
    }

    @Test
    void refusesARemoteOfANewerFormat() throws Exception {
        String url = newRemoteUrl();
        Path a = tmp.resolve("a");
        writeProject(a);
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, url);
            push(repo, "main");
            try (Remote r = origin(repo)) {
                r.blobs().put("config", "{\"format\": 2}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            var e = assertThrows(dev.forge.core.error.ForgeException.class, () -> {
                try (Remote r = origin(repo)) {
                    new Fetch(repo, r).run(P);
                }
            });
            assertTrue(e.getMessage().contains("format 2") && e.getMessage().contains("upgrade forge"), e.getMessage());
        }
        assertNotNull(url);
    }

    /**
     * A remote that names a feature this forge lacks: a reader feature refuses clone and fetch, a
     * writer feature refuses push before anything is uploaded (the remote keeps its blobs) but lets
     * clone and fetch read it.
     */
    @Test
    void featuresThisForgeLacksRefuseWhatNeedsThemAndChangeNothing() throws Exception {
        String url = newRemoteUrl();
        Path a = tmp.resolve("a");
        writeProject(a);
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, url);
            push(repo, "main");
            try (Remote r = origin(repo)) {
                r.blobs()
                        .put(
                                "config",
                                "{\"format\": 1, \"writerFeatures\": [\"zz-from-the-future\"]}\n"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Files.write(a.resolve("more.bin"), random(77, 200_000));
            commit(repo, "v2");
            List<String> before;
            try (Remote r = origin(repo)) {
                before = r.blobs().list("").stream().map(b -> b.name()).sorted().toList();
            }
            var e = assertThrows(dev.forge.core.error.ForgeException.class, () -> push(repo, "main"));
            assertTrue(
                    e.getMessage().contains("'zz-from-the-future'")
                            && e.getMessage().contains("upgrade forge"),
                    e.getMessage());
            try (Remote r = origin(repo)) {
                assertEquals(
                        before,
                        r.blobs().list("").stream().map(b -> b.name()).sorted().toList());
            }
            Path b = tmp.resolve("b");
            cloneTo(url, b);
            assertEquals("v1\n".repeat(5000), Files.readString(b.resolve("notes.txt")));
            assertFalse(Files.exists(b.resolve("more.bin")), "the refused push sent nothing");

            try (Remote r = origin(repo)) {
                r.blobs()
                        .put(
                                "config",
                                "{\"format\": 1, \"readerFeatures\": [\"zz-from-the-future\"]}\n"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Path c = tmp.resolve("c");
            var ce = assertThrows(dev.forge.core.error.ForgeException.class, () -> cloneTo(url, c));
            assertTrue(ce.getMessage().contains("'zz-from-the-future'"), ce.getMessage());
            assertFalse(Files.exists(c), "a refused clone leaves nothing behind");
        }
    }

    @Test
    void cloneOfAMissingRemoteSaysSo() {
        String url = newRemoteUrl();
        Path b = tmp.resolve("b");
        var e = assertThrows(dev.forge.core.error.NotFoundException.class, () -> cloneTo(url, b));
        assertTrue(e.getMessage().contains("no forge remote"), e.getMessage());
        assertFalse(Files.exists(b));
    }

    @Test
    void pushedBranchesAreTrackedAndOthersFetched() throws Exception {
        String url = newRemoteUrl();
        Path a = tmp.resolve("a");
        writeProject(a);
        ObjectId v1;
        try (Repository repo = init(a)) {
            v1 = commit(repo, "v1");
            addRemote(repo, url);
            push(repo, "main");
            repo.begin("branch feature/x")
                    .setRef(RefNames.branch("feature/x"), v1)
                    .commit();
            try (Remote r = origin(repo)) {
                new Push(repo, r).run("feature/x", "feature/x", P);
            }
        }
        Path b = tmp.resolve("b");
        Clone.Result c = cloneTo(url, b);
        assertEquals(2, c.fetch().branches().size());
        try (Repository clone = Repository.open(STORES, b)) {
            assertEquals(v1, clone.resolve("origin/feature/x"));
        }
    }
}
