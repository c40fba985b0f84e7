package dev.forge.mirror.gdrive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.auth.OAuthRefresh;
import dev.forge.mirror.blob.BlobStoreContract;
import dev.forge.mirror.blob.RetryListener;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.blob.RetryingBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The blob-store contract, the state chain's compare-and-swap and Drive's faults, against {@link FakeDrive}. */
class GDriveBlobStoreTest extends BlobStoreContract {
    static final String TOKEN = "ya29.fakeDriveTokenForTests0123456789";
    static final long CHUNK = 4 * FakeDrive.CHUNK_UNIT;
    final List<FakeDrive> servers = new ArrayList<>();
    final List<RetryListener.Retry> retries = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FakeDrive::close);
    }

    FakeDrive server() {
        try {
            FakeDrive s = FakeDrive.start(TOKEN);
            servers.add(s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BlobStore raw(FakeDrive s, String token) {
        return raw(s.url("Forge/film"), token);
    }

    static BlobStore raw(String url, String token) {
        return GDriveBlobStore.open(
                (RemoteUrl.GDrive) RemoteUrl.parse(url, Path.of("/")),
                () -> Optional.ofNullable(token),
                null,
                RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)),
                CHUNK);
    }

    BlobStore retrying(FakeDrive s) {
        return new RetryingBlobStore(
                raw(s, TOKEN), RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)), retries::add);
    }

    @Override
    protected BlobStore store() {
        return raw(server(), TOKEN);
    }

    static byte[] random(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void packsAreFilesAndEverythingElseIsInTheStateChain() throws Exception {
        FakeDrive s = server();
        BlobStore b = raw(s, TOKEN);
        assertTrue(b.putIfAbsent("config", utf8("{}")));
        b.put("packs/abc.pack", random(1, 1000));
        b.put("refs/heads/feature/x", utf8("1\n"));
        Path f = tmp.resolve("big.pack");
        byte[] big = random(2, (int) (CHUNK * 3 + 12345));
        Files.write(f, big);
        b.put("packs/big.pack", f);
        List<String> names = s.names();
        assertEquals(List.of("Forge/", "film/"), names.subList(0, 2), names::toString);
        assertTrue(names.contains("packs/abc.pack") && names.contains("packs/big.pack"), names::toString);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("forge-state-")), names::toString);
        assertFalse(names.contains("refs/heads/feature/x"), "small blobs live in the state chain");
        assertArrayEquals(big, s.content("packs/big.pack"));
        assertEquals(Set.of("refs/heads/feature/x"), names(b.list("refs/")));
        assertEquals(Set.of("packs/abc.pack", "packs/big.pack"), names(b.list("packs/")));
        assertEquals(4, b.list("").size());
        // Another client sees it all, through the folder path and through the folder's id.
        BlobStore other = raw(s, TOKEN);
        assertArrayEquals(
                utf8("1\n"), other.get("refs/heads/feature/x").orElseThrow().data());
        for (String a : s.authorizations()) assertEquals("Bearer " + TOKEN, a);
        for (String line : s.log()) assertFalse(line.contains(TOKEN), line);
        assertThrows(IntegrityException.class, () -> b.get("packs/abc.pack", 990, 20));
        assertThrows(IntegrityException.class, () -> b.get("config", 1, 5));
        // A second client putting the same pack leaves one file of that name.
        other.put("packs/abc.pack", random(1, 1000));
        assertEquals(1, s.names().stream().filter("packs/abc.pack"::equals).count());
    }

    @Test
    void aFolderGivenByIdIsUsedAsItIs() {
        FakeDrive s = server();
        String id = s.folder("Studio backup");
        BlobStore b = raw("gdrive://" + id + "?api=" + s.api(), TOKEN);
        b.put("refs/heads/main", utf8("m\n"));
        b.put("packs/p.pack", random(3, 100));
        assertEquals(List.of("Studio backup/"), s.names().subList(0, 1));
        assertEquals(Set.of("packs/p.pack"), names(b.list("packs/")));
        BlobStore missing = raw("gdrive://1fAkE99999999xxxxxxxxxxxxxxxxxxxx?api=" + s.api(), TOKEN);
        RemoteUnavailableException e =
                assertThrows(RemoteUnavailableException.class, () -> missing.put("refs/heads/main", utf8("x")));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void readingARemoteNeverPushedToMakesNoFolders() {
        FakeDrive s = server();
        BlobStore b = raw(s, TOKEN);
        assertTrue(b.get("config").isEmpty());
        assertTrue(b.stat("packs/x.pack").isEmpty());
        assertEquals(List.of(), b.list(""));
        assertEquals(List.of(), s.names());
        b.put("config", utf8("{}"));
        assertEquals(List.of("Forge/", "film/"), s.names().subList(0, 2));
    }

    @Test
    void listingsFollowEveryPage() {
        FakeDrive s = server();
        s.pageSize(3);
        BlobStore b = raw(s, TOKEN);
        for (int i = 0; i < 10; i++) b.put("packs/p" + i + ".pack", random(i, 10 + i));
        assertEquals(10, b.list("packs/").size());
        assertTrue(s.log().stream().anyMatch(l -> l.contains("pageToken=")));
    }

    /** N writers, each adding one to a counter by read and compare-and-swap K times: no update is lost. */
    @Test
    void concurrentWritersOnSeparateClientsLoseNoUpdate() throws Exception {
        FakeDrive s = server();
        raw(s, TOKEN).put("refs/heads/counter", utf8("0"));
        int writers = 6;
        int each = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> lost = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                BlobStore b = raw(s, TOKEN); // a client of its own: its own cache of the head
                lost.add(pool.submit(() -> {
                    go.await();
                    int losses = 0;
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            BlobStore.Versioned v = b.get("refs/heads/counter").orElseThrow();
                            int n = Integer.parseInt(new String(v.data(), StandardCharsets.UTF_8));
                            if (b.replaceIfUnchanged("refs/heads/counter", utf8(String.valueOf(n + 1)), v.token()))
                                break;
                            losses++;
                        }
                    }
                    return losses;
                }));
            }
            go.countDown();
            int losses = 0;
            for (Future<Integer> f : lost) losses += f.get();
            BlobStore reader = raw(s, TOKEN);
            assertEquals(
                    String.valueOf(writers * each),
                    new String(reader.get("refs/heads/counter").orElseThrow().data(), StandardCharsets.UTF_8),
                    "lost updates (" + losses + " compare-and-swaps lost and were retried)");
        } finally {
            pool.shutdownNow();
        }
        // Old state files went to the trash: at most KEEP + PRUNE_EVERY + a few remain.
        long live = s.names().stream().filter(n -> n.startsWith("forge-state-")).count();
        assertTrue(live <= GDriveBlobStore.KEEP + GDriveBlobStore.PRUNE_EVERY + 2, "live state files: " + live);
    }

    /** Clients whose very first writes to a brand-new folder overlap all go on in one chain. */
    @Test
    void firstWritesOfManyClientsToABrandNewRemoteShareOneChain() throws Exception {
        FakeDrive s = server();
        int n = 10;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> created = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                BlobStore b = raw(s, TOKEN);
                int me = i;
                created.add(pool.submit(() -> {
                    go.await();
                    return b.putIfAbsent("locks/refs/heads/main", utf8("owner " + me));
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> f : created) if (f.get()) winners++;
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(s.names().stream().filter("forge-genesis"::equals).count() >= 1);
        // Clients that made the path's folders at once made several (Drive allows it); all use the oldest, and
        // the others stay empty.
        assertTrue(s.names().stream().filter("Forge/"::equals).count() >= 1);
        String seen = new String(
                raw(s, TOKEN).get("locks/refs/heads/main").orElseThrow().data(), StandardCharsets.UTF_8);
        assertTrue(seen.startsWith("owner "), seen);
    }

    @Test
    void aClientWhoseLastSeenHeadWasTrashedStillReadsTheCurrentState() {
        FakeDrive s = server();
        BlobStore stale = raw(s, TOKEN);
        stale.put("refs/heads/main", utf8("0"));
        assertArrayEquals(utf8("0"), stale.get("refs/heads/main").orElseThrow().data());
        BlobStore busy = raw(s, TOKEN);
        for (int i = 1; i <= 40; i++) busy.put("refs/heads/main", utf8(String.valueOf(i)));
        assertArrayEquals(utf8("40"), stale.get("refs/heads/main").orElseThrow().data());
        String token = stale.get("refs/heads/main").orElseThrow().token();
        assertTrue(stale.replaceIfUnchanged("refs/heads/main", utf8("41"), token));
        assertArrayEquals(utf8("41"), busy.get("refs/heads/main").orElseThrow().data());
    }

    @Test
    void rateLimitsAreBackedOffAndReported() {
        FakeDrive s = server();
        BlobStore b = retrying(s);
        b.put("config", utf8("{}"));
        s.failNext("GET", "/drive/v3/files\\?", FakeDrive.Fault.USER_RATE_403, 1);
        s.failNext("POST", "/upload/drive/v3/files", FakeDrive.Fault.RATE_429, 1);
        b.put("packs/x.pack", random(3, 5000));
        assertArrayEquals(random(3, 5000), b.get("packs/x.pack").orElseThrow().data());
        assertEquals(2, s.faultsServed().size(), s.faultsServed()::toString);
        assertEquals(2, retries.size(), retries::toString);
        for (RetryListener.Retry r : retries) {
            assertFalse(r.serverAsked(), "Drive names no wait: exponential backoff " + r);
            assertTrue(r.reason().contains("rate limit"), r.reason());
            assertFalse(r.reason().contains(TOKEN));
        }
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetried() {
        FakeDrive s = server();
        BlobStore b = retrying(s);
        byte[] data = random(4, 300_000);
        b.put("packs/y.pack", data);
        b.put("refs/heads/main", utf8("m\n"));
        s.failNext("GET", "alt=media", FakeDrive.Fault.ERROR_500, 1);
        s.failNext("GET", "alt=media", FakeDrive.Fault.DROP, 1);
        s.failNext("GET", "/drive/v3/files\\?", FakeDrive.Fault.ERROR_503, 1);
        s.failNext("GET", "/drive/v3/files\\?", FakeDrive.Fault.DROP, 1);
        BlobStore fresh = new RetryingBlobStore(
                raw(s, TOKEN), RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)), retries::add);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 2000), fresh.get("packs/y.pack", 1000, 1000));
        assertArrayEquals(
                utf8("m\n"), fresh.get("refs/heads/main").orElseThrow().data());
        assertEquals(4, s.faultsServed().size(), s.faultsServed()::toString);
        assertEquals(4, retries.size(), retries::toString);
    }

    @Test
    void aCutResumableUploadResumesWhereDriveSaysItStands() throws Exception {
        FakeDrive s = server();
        BlobStore b = retrying(s);
        b.put("config", utf8("{}"));
        Path f = tmp.resolve("p.pack");
        byte[] data = random(5, (int) (CHUNK * 4 + 777));
        Files.write(f, data);
        int from = s.log().size();
        long before = s.bytesIn();
        s.failNext("PUT", "upload_id=", FakeDrive.Fault.CUT_UPLOAD, 1); // the first chunk, half way
        b.put("packs/s.pack", f);
        assertArrayEquals(data, s.content("packs/s.pack"));
        assertEquals(1, retries.size(), retries::toString);
        List<String> log = s.log().subList(from, s.log().size());
        assertEquals(1, log.stream().filter(l -> l.startsWith("POST /upload/")).count(), "one session: " + log);
        assertTrue(s.bytesIn() - before < data.length + CHUNK, "resent at most one chunk: " + (s.bytesIn() - before));
        assertEquals(1, s.names().stream().filter("packs/s.pack"::equals).count());
        // A state write cut half way is resumed too, and lands once.
        s.failNext("PUT", "upload_id=", FakeDrive.Fault.DROP, 1);
        b.put("refs/heads/main", utf8("after a drop\n"));
        assertArrayEquals(
                utf8("after a drop\n"),
                raw(s, TOKEN).get("refs/heads/main").orElseThrow().data());
    }

    @Test
    void anExpiredOrWrongTokenIsOneClearLineAndNotRetried() {
        FakeDrive s = server();
        BlobStore ok = retrying(s);
        ok.put("config", utf8("{}"));
        s.expireToken();
        RemoteUnavailableException expired = assertThrows(
                RemoteUnavailableException.class, () -> raw(s, TOKEN).get("config"));
        assertFalse(expired.retryable());
        assertTrue(
                expired.getMessage().contains("401")
                        && expired.getMessage().contains("expired")
                        && expired.getMessage().contains("forge auth login gdrive"),
                expired.getMessage());
        assertFalse(expired.getMessage().contains(TOKEN));
        assertFalse(expired.getMessage().contains("\n"));
        s.token(TOKEN);
        RemoteUnavailableException none = assertThrows(
                RemoteUnavailableException.class, () -> raw(s, null).get("config"));
        assertTrue(none.getMessage().contains("no token set"), none.getMessage());
    }

    @Test
    void anExpiredTokenIsRefreshedWhenARefreshTokenIsGiven() {
        FakeDrive s = server();
        s.refreshToken("refresh-secret-1", "client.apps.googleusercontent.com");
        String url = s.url("Forge/film");
        RemoteUrl.GDrive u = (RemoteUrl.GDrive) RemoteUrl.parse(url, Path.of("/"));
        BlobStore b = GDriveBlobStore.open(
                u,
                () -> Optional.of(TOKEN),
                new OAuthRefresh(
                        "Google",
                        okhttp3.HttpUrl.get(GDriveBlobStore.tokenEndpoint(u)),
                        "refresh-secret-1",
                        "client.apps.googleusercontent.com",
                        "client-secret"),
                RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)),
                CHUNK);
        b.put("config", utf8("{}"));
        s.expireToken();
        assertArrayEquals(utf8("{}"), b.get("config").orElseThrow().data());
        b.put("packs/r.pack", random(9, 100));
        assertEquals(1, s.refreshed().size());
        assertEquals("Bearer " + s.refreshed().getFirst(), s.authorizations().getLast());
        for (String line : s.log())
            assertFalse(line.contains("refresh-secret") || line.contains("client-secret"), line);
        assertEquals("https://oauth2.googleapis.com/token", GDriveBlobStore.tokenEndpoint((RemoteUrl.GDrive)
                RemoteUrl.parse("gdrive://film", Path.of("/"))));
    }

    @Test
    void duplicateNamesReadTheNewestAndListOnce() {
        FakeDrive s = server();
        BlobStore b = raw(s, TOKEN);
        b.put("packs/d.pack", random(6, 500));
        s.duplicate("packs/d.pack", random(7, 500)); // e.g. a repair's upload, newer
        assertEquals(2, s.names().stream().filter("packs/d.pack"::equals).count());
        assertEquals(Set.of("packs/d.pack"), names(b.list("packs/")));
        assertArrayEquals(random(7, 500), b.get("packs/d.pack").orElseThrow().data(), "the newest is read");
        assertFalse(b.putIfAbsent("packs/d.pack", random(6, 500)));
        b.put("packs/d.pack", random(8, 500)); // a put leaves one file of its name
        assertEquals(1, s.names().stream().filter("packs/d.pack"::equals).count());
        assertArrayEquals(random(8, 500), b.get("packs/d.pack").orElseThrow().data());
        s.duplicate("packs/d.pack", random(8, 500));
        b.delete("packs/d.pack"); // every file of the name
        assertNull(s.content("packs/d.pack"));
        assertTrue(b.get("packs/d.pack").isEmpty());
        b.delete("refs/heads/none");
    }

    @Test
    void urlsAreParsedAndChecked() {
        RemoteUrl.GDrive p = (RemoteUrl.GDrive) RemoteUrl.parse("gdrive://Forge/film", Path.of("/"));
        assertEquals("Forge/film", p.path());
        assertNull(p.folderId());
        assertEquals("https://www.googleapis.com", p.api());
        RemoteUrl.GDrive id =
                (RemoteUrl.GDrive) RemoteUrl.parse("gdrive://1AbCdEfGhIjKlMnOpQrStUvWxYz012345", Path.of("/"));
        assertEquals("1AbCdEfGhIjKlMnOpQrStUvWxYz012345", id.folderId());
        assertNull(id.path());
        for (String bad : List.of(
                "gdrive://", "gdrive://a/../b", "gdrive://film?api=ftp://x", "gdrive://film?access_token=ya29.x")) {
            assertThrows(InvalidInputException.class, () -> RemoteUrl.parse(bad, Path.of("/")), bad);
        }
    }

    static Set<String> names(List<BlobStore.BlobInfo> infos) {
        Set<String> out = new HashSet<>();
        for (BlobStore.BlobInfo i : infos) assertTrue(out.add(i.name()), "listed twice: " + i.name());
        return out;
    }
}
