package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.STORES;
import static dev.forge.mirror.RemoteProtocolContract.assertSameFiles;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.serve.BlobHttpServer;
import dev.forge.mirror.serve.PullThroughCache;
import dev.forge.mirror.serve.ServeMetrics;
import dev.forge.mirror.serve.Served;
import dev.forge.mirror.serve.ServedBlobs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers: the {@code forge serve --upstream} caches of a farm's machines, each pack read through its
 * rendezvous owner, so that clones started together take each pack from the origin about once; a
 * dead peer and one that sends wrong bytes are dropped and the clone completes.
 */
class PeersTest {
    @TempDir
    Path tmp;

    private Path pushedRemote() throws IOException {
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots"));
        for (int i = 0; i < 4; i++) Files.write(a.resolve("shots/plate" + i + ".exr"), random(i, 1_500_000));
        Files.writeString(a.resolve("notes.txt"), "notes\n");
        Path remote = tmp.resolve("remote");
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            new Remotes(repo).add("origin", remote.toString(), repo.root());
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                // Small packs, so that each of three peers owns some (owners hash random ports with pack
                // ids): with 6 packs one peer owned none about one run in four; with about 24, 1 in 5,000.
                new Push(repo, r).packSize(256 << 10).run("main", "main", P);
            }
        }
        return remote;
    }

    private static long bytes(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            long n = 0;
            for (Path p : s.filter(p -> p.toString().endsWith(suffix)).toList()) n += Files.size(p);
            return n;
        }
    }

    private Clone.Result clone(String url, Path dir, List<String> peers) {
        return new Clone(STORES).parallelism(4).peers(peers).run(url, dir.getParent(), dir, null, P);
    }

    @Test
    void clonesStartedTogetherThroughPeersTakeEachPackFromTheOriginAboutOnce() throws Exception {
        Path remote = pushedRemote();
        long packs = bytes(remote.resolve("packs"), ".pack");
        List<ServeMetrics> metrics = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ServeMetrics m = new ServeMetrics();
                PullThroughCache cache =
                        new PullThroughCache(new FileBlobStore(remote), tmp.resolve("cache" + i), 1L << 30, 2000, m);
                BlobHttpServer server = new BlobHttpServer(new InetSocketAddress("127.0.0.1", 0), cache, m, null, null);
                open.add(server);
                open.add(cache);
                metrics.add(m);
                urls.add(server.url("127.0.0.1").toString());
            }
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Clone.Result> results = Collections.synchronizedList(new ArrayList<>());
            List<Thread> nodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path dir = tmp.resolve("node" + i);
                nodes.add(Thread.ofPlatform().start(() -> {
                    try {
                        results.add(clone(remote.toString(), dir, urls));
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : nodes) t.join();
            assertTrue(failures.isEmpty(), failures.toString());
            for (int i = 0; i < 3; i++) assertSameFiles(tmp.resolve("a"), tmp.resolve("node" + i));

            long upstream =
                    metrics.stream().mapToLong(ServeMetrics::bytesFromUpstream).sum();
            long indexes = bytes(remote.resolve("packs"), ".idx");
            assertTrue(
                    upstream <= packs + 3 * indexes + 64 * 1024,
                    "the peers took " + upstream + " bytes from the origin for " + packs + " bytes of packs");
            for (Clone.Result r : results) {
                assertTrue(
                        r.fetch().droppedPeers().isEmpty(),
                        r.fetch().droppedPeers().toString());
                // From the origin itself: config, refs, listings and indexes only; every pack came via a peer.
                assertTrue(
                        r.fetch().bytesReceived() < packs / 4,
                        "direct " + r.fetch().bytesReceived());
                assertTrue(
                        r.fetch().bytesFromOthers() >= packs * 9 / 10,
                        "through peers " + r.fetch().bytesFromOthers());
            }
            // Every peer owns some packs: the load is spread.
            for (ServeMetrics m : metrics) assertTrue(m.bytesServed() > 0, "a peer served nothing");
            try (Repository node = Repository.open(STORES, tmp.resolve("node0"))) {
                assertEquals(String.join(",", urls), node.config().remotePeers().get("origin"));
            }
        } finally {
            for (AutoCloseable c : open.reversed()) c.close();
        }
    }

    /** A peer that lies: serves packs from a copy whose every pack has flipped bytes. */
    private static final class LyingPeer implements ServedBlobs {
        private final Path dir;

        LyingPeer(Path dir) {
            this.dir = dir;
        }

        @Override
        public Optional<Served> open(String name) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) return Optional.empty();
            try {
                if (name.endsWith(".pack")) return Optional.of(new Served.File(f, Files.size(f), "\"" + name + "\""));
                return Optional.of(new Served.Bytes(Files.readAllBytes(f), "\"" + Files.size(f) + "\""));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public String describe() {
            return "a lying peer";
        }

        @Override
        public void close() {}
    }

    @Test
    void aDeadAndALyingPeerAreDroppedAndTheCloneCompletesFromTheOrigin() throws Exception {
        Path remote = pushedRemote();
        Path evil = tmp.resolve("evil");
        Files.createDirectories(evil.resolve("packs"));
        try (Stream<Path> s = Files.list(remote.resolve("packs"))) {
            for (Path p : s.toList()) {
                byte[] b = Files.readAllBytes(p);
                if (p.toString().endsWith(".pack")) for (int i = 40; i < b.length; i += 4096) b[i] ^= 0x5A;
                Files.write(evil.resolve("packs").resolve(p.getFileName()), b);
            }
        }
        ServeMetrics m = new ServeMetrics();
        try (LyingPeer lying = new LyingPeer(evil);
                BlobHttpServer server =
                        new BlobHttpServer(new InetSocketAddress("127.0.0.1", 0), lying, m, null, null)) {
            String liar = server.url("127.0.0.1").toString();
            String dead = "http://127.0.0.1:9/";
            Clone.Result r = clone(remote.toString(), tmp.resolve("b"), List.of(liar, dead));
            assertSameFiles(tmp.resolve("a"), tmp.resolve("b"));
            assertTrue(m.bytesServed() > 0, "the liar was asked");
            assertEquals(
                    2, r.fetch().droppedPeers().size(), r.fetch().droppedPeers().toString());
            assertTrue(r.fetch().droppedPeers().keySet().stream()
                    .anyMatch(k -> k.contains(String.valueOf(server.port()))));
            try (Repository b = Repository.open(STORES, tmp.resolve("b"))) {
                assertTrue(new dev.forge.core.repo.Fsck(b).run(P).ok());
            }
        }
    }
}
