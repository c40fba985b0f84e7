package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.assertSameFiles;
import static dev.forge.mirror.RemoteProtocolContract.cloneTo;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.BlobStore;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.Listings;
import dev.forge.mirror.format.RemoteConfig;
import dev.forge.mirror.http.StaticHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remotes read over plain HTTP: a folder remote pushed to as usual and served by a static web server
 * (nginx, with ranges; the JDK's file server, without), cloned and fetched through its http:// URL.
 */
class HttpRemoteTest {
    @TempDir
    Path tmp;

    private void writeProject(Path dir, long seed) throws Exception {
        Files.createDirectories(dir.resolve("shots/010"));
        Files.write(dir.resolve("shots/010/plate.bin"), random(seed, 2_500_000));
        Files.writeString(dir.resolve("notes.txt"), "notes " + seed + "\n");
    }

    private Push.Result pushTo(Repository repo, String remote) {
        try (Remote r = new Remotes(repo).open(remote, 4)) {
            return new Push(repo, r).packSize(1 << 20).run("main", "main", P);
        }
    }

    private void cloneAndFetchThrough(StaticHttpServer server, Path folder) throws Exception {
        Path a = tmp.resolve("a");
        writeProject(a, 1);
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            new Remotes(repo).add("origin", folder.toString(), repo.root());
            pushTo(repo, "origin");
        }
        Path b = tmp.resolve("b");
        Clone.Result c = cloneTo(server.url("studio/shots"), b);
        assertEquals("main", c.branch());
        assertSameFiles(a, b);

        ObjectId v2;
        try (Repository repo = Repository.open(RemoteProtocolContract.STORES, a)) {
            Files.write(a.resolve("shots/020.bin"), random(7, 600_000));
            v2 = commit(repo, "v2");
            pushTo(repo, "origin");
        }
        try (Repository clone = Repository.open(RemoteProtocolContract.STORES, b);
                Remote origin = new Remotes(clone).open("origin", 4)) {
            new Fetch(clone, origin).run(P);
            assertEquals(v2, clone.ref("refs/remotes/origin/main").orElseThrow());
            // A read-only remote refuses a push before writing anything.
            RemoteUnavailableException e = assertThrows(
                    RemoteUnavailableException.class, () -> new Push(clone, origin).run("main", "main", P));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
    }

    @Test
    void cloneAndFetchFromNginxUseRanges() throws Exception {
        Path site = tmp.resolve("site");
        Path folder = site.resolve("studio/shots");
        try (StaticHttpServer server = StaticHttpServer.nginx(site, Files.createDirectories(tmp.resolve("nginx")))) {
            cloneAndFetchThrough(server, folder);
            String log = server.accessLog();
            assertTrue(log.contains("\"GET /studio/shots/pack-list HTTP/1.1\" 200"), log);
            assertTrue(log.contains("\" 206 "), "packs are read by range: " + log);
            assertFalse(log.contains("\"PUT ") || log.contains("\"POST ") || log.contains("\"DELETE "), log);
        }
    }

    @Test
    void cloneAndFetchFromAHostThatIgnoresRanges() throws Exception {
        Path site = tmp.resolve("site");
        Path folder = site.resolve("studio/shots");
        Files.createDirectories(site);
        try (StaticHttpServer server = StaticHttpServer.jdk(site)) {
            cloneAndFetchThrough(server, folder);
        }
    }

    @Test
    void aRemoteWithoutListingsIsRefusedByNameAndTheNextPushAddsThem() throws Exception {
        Path site = tmp.resolve("site");
        Path folder = site.resolve("r");
        Path a = tmp.resolve("a");
        writeProject(a, 3);
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            new Remotes(repo).add("origin", folder.toString(), repo.root());
            pushTo(repo, "origin");
        }
        // As a remote written before listings existed: no listings, no feature.
        Files.delete(folder.resolve(Listings.PACKS));
        Files.delete(folder.resolve(Listings.REFS));
        Files.writeString(
                folder.resolve(RemoteConfig.BLOB),
                new String(
                        RemoteConfig.of(dev.forge.core.chunk.ChunkerParams.DEFAULT)
                                .encode(),
                        StandardCharsets.UTF_8));
        try (StaticHttpServer server = StaticHttpServer.jdk(site)) {
            ForgeException e = assertThrows(ForgeException.class, () -> cloneTo(server.url("r"), tmp.resolve("b")));
            assertTrue(
                    e.getMessage().contains("has no ref-list") && e.getMessage().contains("push to it once"),
                    e.getMessage());
            assertFalse(Files.exists(tmp.resolve("b")), "a failed clone leaves no folder");

            try (Repository repo = Repository.open(RemoteProtocolContract.STORES, a)) {
                assertTrue(pushTo(repo, "origin").upToDate());
            }
            String config = Files.readString(folder.resolve(RemoteConfig.BLOB));
            assertTrue(config.contains("\"writerFeatures\"") && config.contains("pack-list"), config);
            cloneTo(server.url("r"), tmp.resolve("b"));
            assertSameFiles(a, tmp.resolve("b"));
        }
    }

    @Test
    void listingsTakeEveryConcurrentUpdateAndReconcileWithTheStore() throws Exception {
        try (BlobStore store = new FileBlobStore(tmp.resolve("remote"))) {
            int writers = 8;
            try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int id = w;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 10; i++) {
                            String name = "packs/" + id + "-" + i + ".idx";
                            Listings.update(store, Listings.PACKS, e -> e.put(name, 10L));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
            }
            var listed = Listings.parse(store.get(Listings.PACKS).orElseThrow().data(), "pack-list");
            assertEquals(writers * 10, listed.size(), "no update lost: " + listed.keySet());

            // Reconcile makes the listings name exactly what the store holds.
            store.put("packs/aa.pack", new byte[5]);
            store.put("packs/aa.idx", new byte[3]);
            store.put("refs/heads/main", "x\n".getBytes(StandardCharsets.UTF_8));
            Listings.reconcile(store);
            var packs = Listings.parse(store.get(Listings.PACKS).orElseThrow().data(), "pack-list");
            assertEquals(java.util.Map.of("packs/aa.idx", 3L, "packs/aa.pack", 5L), packs);
            var refs = Listings.parse(store.get(Listings.REFS).orElseThrow().data(), "ref-list");
            assertEquals(java.util.Map.of("refs/heads/main", -1L), refs);
        }
    }

    @Test
    void aDamagedListingIsAnIntegrityError() {
        for (String bad : new String[] {"", "forge-listing 2\n", "forge-listing 1\nx\n", "forge-listing 1\n../x 1\n"}) {
            assertThrows(
                    dev.forge.core.error.IntegrityException.class,
                    () -> Listings.parse(bad.getBytes(StandardCharsets.UTF_8), "pack-list"),
                    bad);
        }
    }
}
