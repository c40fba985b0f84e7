package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.assertSameFiles;
import static dev.forge.mirror.RemoteProtocolContract.cloneTo;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.http.HttpBlobStore;
import dev.forge.mirror.serve.BlobHttpServer;
import dev.forge.mirror.serve.PullThroughCache;
import dev.forge.mirror.serve.RepositoryBlobs;
import dev.forge.mirror.serve.ServeMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forge serve's pull-through cache and HTTP server, with real clones through it. */
class ServeTest {
    @TempDir
    Path tmp;

    private Path pushedRemote() throws Exception {
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots"));
        Files.write(a.resolve("shots/plate.bin"), random(1, 3_000_000));
        Files.writeString(a.resolve("notes.txt"), "notes\n");
        Path remote = tmp.resolve("remote");
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            new Remotes(repo).add("origin", remote.toString(), repo.root());
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Push(repo, r).packSize(1 << 20).run("main", "main", P);
            }
        }
        return remote;
    }

    private static long packBytes(Path remote) throws Exception {
        try (Stream<Path> s = Files.list(remote.resolve("packs"))) {
            long n = 0;
            for (Path p : s.toList()) n += Files.size(p);
            return n;
        }
    }

    private static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void clonesThroughTheCacheFetchEachPackFromUpstreamOnce() throws Exception {
        Path remote = pushedRemote();
        ServeMetrics metrics = new ServeMetrics();
        try (PullThroughCache cache =
                        new PullThroughCache(new FileBlobStore(remote), tmp.resolve("cache"), 1L << 30, 2000, metrics);
                BlobHttpServer server =
                        new BlobHttpServer(new InetSocketAddress("127.0.0.1", 0), cache, metrics, null, null)) {
            String url = server.url("127.0.0.1").toString();
            // Four nodes at once, then a fifth: upstream sends each pack once.
            List<Thread> nodes = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 4; i++) {
                Path dir = tmp.resolve("node" + i);
                nodes.add(Thread.ofPlatform().start(() -> {
                    try {
                        cloneTo(url, dir);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : nodes) t.join();
            assertTrue(failures.isEmpty(), failures.toString());
            cloneTo(url, tmp.resolve("node4"));
            for (int i = 0; i < 5; i++) assertSameFiles(tmp.resolve("a"), tmp.resolve("node" + i));

            long data = packBytes(remote);
            long upstream = metrics.bytesFromUpstream();
            assertTrue(upstream >= data && upstream < data + 64 * 1024, "upstream sent " + upstream + " for " + data);
            assertTrue(metrics.bytesServed() > 4 * 3_000_000L, "served " + metrics.bytesServed());
            String text = get(url + "metrics").body();
            assertTrue(text.contains("forge_serve_cache_hits_total"), text);
            assertTrue(text.matches("(?s).*forge_serve_responses_total\\{code=\"206\"} [1-9].*"), text);
        }
    }

    @Test
    void aRepositoryIsServedInTheRemoteFormatAndNewCommitsAreSeen() throws Exception {
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots"));
        Files.write(a.resolve("shots/plate.bin"), random(1, 2_000_000));
        Files.writeString(a.resolve("notes.txt"), "v1\n");
        ServeMetrics metrics = new ServeMetrics();
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            try (RepositoryBlobs served = new RepositoryBlobs(a, () -> RepositoryBlobs.Snapshot.of(repo), 0);
                    BlobHttpServer server =
                            new BlobHttpServer(new InetSocketAddress("127.0.0.1", 0), served, metrics, null, null)) {
                String url = server.url("127.0.0.1").toString();
                cloneTo(url, tmp.resolve("b"));
                assertSameFiles(a, tmp.resolve("b"));

                Files.write(a.resolve("shots/plate2.bin"), random(2, 700_000));
                var v2 = commit(repo, "v2");
                try (Repository b = Repository.open(RemoteProtocolContract.STORES, tmp.resolve("b"));
                        Remote origin = new Remotes(b).open("origin", 4)) {
                    new Fetch(b, origin).run(P);
                    assertEquals(v2, b.ref("refs/remotes/origin/main").orElseThrow());
                    assertTrue(origin.meter().bytesReceived() > 700_000, "the new file came over HTTP");
                }
                assertEquals(404, get(url + "refs/remotes/origin/main").statusCode());
                assertEquals(404, get(url + "index/CURRENT").statusCode());
            }
        }
    }

    @Test
    void onlyRemoteFormatNamesAreServedAndTheTokenIsRequired() throws Exception {
        Path remote = pushedRemote();
        Files.writeString(tmp.resolve("secret.txt"), "secret\n");
        Files.createDirectories(remote.resolve("locks/files"));
        Files.writeString(remote.resolve("locks/files/x"), "lock\n");
        ServeMetrics metrics = new ServeMetrics();
        try (PullThroughCache cache =
                        new PullThroughCache(new FileBlobStore(remote), tmp.resolve("cache"), 1L << 30, 2000, metrics);
                BlobHttpServer server = new BlobHttpServer(
                        new InetSocketAddress("127.0.0.1", 0), cache, metrics, "s3cret-token", null)) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            assertEquals(401, get(base + "config").statusCode());
            assertEquals(
                    401, get(base + "config", "Authorization", "Bearer wrong").statusCode());
            String[] auth = {"Authorization", "Bearer s3cret-token"};
            assertEquals(200, get(base + "config", auth).statusCode());
            for (String bad : new String[] {
                "../secret.txt",
                "%2e%2e/secret.txt",
                "refs/../../secret.txt",
                "refs/%2e%2e/%2e%2e/secret.txt",
                "locks/files/x",
                "packs/../config",
                "refs/heads/..%2fconfig",
                "/etc/passwd",
                "config?x=1"
            }) {
                HttpResponse<String> r = get(base + bad, auth);
                assertTrue(r.statusCode() == 404 || r.statusCode() == 400, bad + " -> " + r.statusCode());
                assertFalse(r.body().contains("secret") || r.body().contains("lock"), bad);
            }
            assertEquals(
                    405,
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(base + "config"))
                                            .header(auth[0], auth[1])
                                            .PUT(HttpRequest.BodyPublishers.ofString("x"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());

            // A client with the token reads the remote; the token is needed for that.
            var store = new HttpBlobStore(
                    new RemoteUrl.Http(base.substring(0, base.length() - 1)),
                    RetryPolicy.standard(),
                    "s3cret-token",
                    4);
            assertTrue(store.get("config").isPresent());
            var noToken = new HttpBlobStore(
                    new RemoteUrl.Http(base.substring(0, base.length() - 1)), RetryPolicy.standard(), null, 4);
            RemoteUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(
                    RemoteUnavailableException.class, () -> noToken.get("config"));
            assertTrue(
                    e.getMessage().contains("FORGE_HTTP_TOKEN")
                            && !e.getMessage().contains("s3cret"),
                    e.getMessage());
        }
    }

    /** Bytes of a pack are served only once the records holding them are verified; a damaged pack is never kept. */
    @Test
    void aDamagedUpstreamPackIsNeverCachedOrServed() throws Exception {
        Path remote = pushedRemote();
        Path pack;
        try (Stream<Path> s = Files.list(remote.resolve("packs"))) {
            pack = s.filter(p -> p.toString().endsWith(".pack"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow();
        }
        byte[] b = Files.readAllBytes(pack);
        b[b.length / 2] ^= 0x40;
        Files.write(pack, b);
        ServeMetrics metrics = new ServeMetrics();
        try (PullThroughCache cache =
                        new PullThroughCache(new FileBlobStore(remote), tmp.resolve("cache"), 1L << 30, 2000, metrics);
                BlobHttpServer server =
                        new BlobHttpServer(new InetSocketAddress("127.0.0.1", 0), cache, metrics, null, null)) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            int mid = b.length / 2;
            HttpResponse<String> r =
                    get(base + "packs/" + pack.getFileName(), "Range", "bytes=" + (mid - 10) + "-" + (mid + 10));
            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("damaged"), r.body());
            try (Stream<Path> s = Files.list(tmp.resolve("cache/forge-cache/packs"))) {
                assertFalse(s.anyMatch(p -> p.getFileName().equals(pack.getFileName())), "nothing damaged is cached");
            }
        }
    }
}
