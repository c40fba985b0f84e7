package dev.forge.mirror.dropbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.auth.FoundToken;
import dev.forge.mirror.auth.OAuthRefresh;
import dev.forge.mirror.auth.Provider;
import dev.forge.mirror.auth.RefreshGrant;
import dev.forge.mirror.auth.TokenStore;
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
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The blob-store contract and Dropbox's faults, against {@link FakeDropbox}. */
class DropboxBlobStoreTest extends BlobStoreContract {
    static final String TOKEN = "sl.fakeDropboxTokenForTests0123456789";
    static final long PART = 4L << 20;
    final List<FakeDropbox> servers = new ArrayList<>();
    final List<RetryListener.Retry> retries = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FakeDropbox::close);
    }

    FakeDropbox server() {
        try {
            FakeDropbox s = FakeDropbox.start(TOKEN);
            servers.add(s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RemoteUrl.Dropbox url(FakeDropbox s) {
        return (RemoteUrl.Dropbox) RemoteUrl.parse(s.url("Forge/film"), Path.of("/"));
    }

    static BlobStore raw(FakeDropbox s, String token) {
        return DropboxBlobStore.open(
                url(s),
                () -> Optional.ofNullable(token),
                null,
                RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)),
                PART);
    }

    /** As Remote wraps it: retrying, every retry reported. */
    BlobStore retrying(FakeDropbox s) {
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
    void namesMapToFilesUnderTheFolderAndBigFilesGoUpInSessions() throws Exception {
        FakeDropbox s = server();
        BlobStore b = raw(s, TOKEN);
        b.putIfAbsent("config", utf8("{}"));
        b.put("packs/abc.pack", random(1, 1000));
        b.put("refs/heads/feature/X", utf8("1\n"));
        Path f = tmp.resolve("big.pack");
        byte[] big = random(2, (int) (PART * 2 + 12345));
        Files.write(f, big);
        b.put("packs/big.pack", f);
        assertEquals(
                Set.of(
                        "/Forge/film/config",
                        "/Forge/film/packs/abc.pack",
                        "/Forge/film/refs/heads/feature/X",
                        "/Forge/film/packs/big.pack"),
                s.files().keySet());
        assertArrayEquals(big, s.files().get("/Forge/film/packs/big.pack"));
        assertTrue(s.log().stream().anyMatch(l -> l.startsWith("files/upload_session/append_v2 ")), s.log()::toString);
        assertTrue(s.largestUpload() <= PART, "every request carries at most one part");
        assertEquals(0, s.openSessions());
        Set<String> refs = new HashSet<>();
        for (BlobStore.BlobInfo i : b.list("refs/heads/")) refs.add(i.name());
        assertEquals(Set.of("refs/heads/feature/X"), refs);
        assertEquals(List.of(), b.list("locks/"), "a folder that does not exist lists empty");
        for (String a : s.authorizations()) assertEquals("Bearer " + TOKEN, a);
        for (String line : s.log()) assertFalse(line.contains(TOKEN), line);
        assertThrows(IntegrityException.class, () -> b.get("packs/abc.pack", 990, 20));
        assertThrows(IntegrityException.class, () -> b.get("packs/abc.pack", 2000, 20));
    }

    @Test
    void listingsFollowEveryCursorPage() {
        FakeDropbox s = server();
        s.pageSize(3);
        BlobStore b = raw(s, TOKEN);
        for (int i = 0; i < 10; i++) b.put("packs/p" + i + ".pack", random(i, 10 + i));
        b.put("refs/heads/main", utf8("x\n"));
        Set<String> names = new HashSet<>();
        for (BlobStore.BlobInfo i : b.list("packs/")) names.add(i.name());
        assertEquals(10, names.size(), names::toString);
        assertEquals(11, b.list("").size());
        assertTrue(s.log().stream().anyMatch(l -> l.startsWith("files/list_folder/continue ")));
    }

    @Test
    void rateLimitsAndWriteContentionAreWaitedOutAndReported() {
        FakeDropbox s = server();
        BlobStore b = retrying(s);
        b.put("config", utf8("{}"));
        s.failNext("files/upload$", FakeDropbox.Fault.TOO_MANY_429, 1);
        s.failNext("files/download$", FakeDropbox.Fault.TOO_MANY_429, 1);
        s.failNext("files/delete_v2$", FakeDropbox.Fault.WRITE_CONTENTION_429, 1);
        assertTrue(b.putIfAbsent("refs/heads/main", utf8("a\n")));
        assertArrayEquals(utf8("a\n"), b.get("refs/heads/main").orElseThrow().data());
        b.delete("config");
        assertEquals(3, s.faultsServed().size(), s.faultsServed()::toString);
        assertEquals(3, retries.size(), retries::toString);
        for (RetryListener.Retry r : retries) {
            assertTrue(r.serverAsked(), r.toString());
            assertTrue(r.reason().contains("rate limit"), r.reason());
            assertFalse(r.reason().contains(TOKEN));
        }
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetried() {
        FakeDropbox s = server();
        BlobStore b = retrying(s);
        byte[] data = random(4, 300_000);
        b.put("packs/y.pack", data);
        s.failNext("files/download$", FakeDropbox.Fault.ERROR_500, 1);
        s.failNext("files/download$", FakeDropbox.Fault.DROP, 1);
        s.failNext("files/get_metadata$", FakeDropbox.Fault.ERROR_503, 1);
        s.failNext("files/list_folder$", FakeDropbox.Fault.DROP, 1);
        s.failNext("files/upload$", FakeDropbox.Fault.DROP, 1);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 2000), b.get("packs/y.pack", 1000, 1000));
        assertEquals(data.length, b.stat("packs/y.pack").orElseThrow().length());
        assertEquals(1, b.list("packs/").size());
        b.put("refs/heads/main", utf8("m\n"));
        assertArrayEquals(utf8("m\n"), b.get("refs/heads/main").orElseThrow().data());
        assertEquals(5, s.faultsServed().size(), s.faultsServed()::toString);
        assertEquals(5, retries.size(), retries::toString);
    }

    @Test
    void aCutUploadSessionResumesAtTheOffsetDropboxReports() throws Exception {
        FakeDropbox s = server();
        BlobStore b = retrying(s);
        Path f = tmp.resolve("p.pack");
        byte[] data = random(5, (int) (PART * 4 + 777));
        Files.write(f, data);
        s.failNext("upload_session/append_v2$", FakeDropbox.Fault.CUT_UPLOAD, 1);
        s.failNext("upload_session/finish$", FakeDropbox.Fault.CUT_UPLOAD, 1);
        b.put("packs/s.pack", f);
        assertArrayEquals(data, s.files().get("/Forge/film/packs/s.pack"));
        assertArrayEquals(data, b.get("packs/s.pack").orElseThrow().data());
        assertEquals(2, retries.size(), retries::toString);
        long starts = s.log().stream()
                .filter(l -> l.startsWith("files/upload_session/start "))
                .count();
        assertEquals(1, starts, "the session was resumed, not started again");
        // Resumed: what arrived before each cut is not sent again (each cut costs at most the half part lost).
        assertTrue(s.bytesIn() < data.length + PART, "sent " + s.bytesIn());
        assertTrue(
                s.log().stream().anyMatch(l -> l.startsWith("files/upload_session/append_v2 ")),
                "an empty append asked where the session stands");
        // A start whose answer is lost (the session exists on the server, its id never arrived) starts again.
        s.failNext("upload_session/start$", FakeDropbox.Fault.CUT_UPLOAD, 1);
        b.put("packs/t.pack", f);
        assertArrayEquals(data, s.files().get("/Forge/film/packs/t.pack"));
    }

    @Test
    void compareAndSwapUsesRevsAndAStaleRevOrAGoneFileLoses() {
        FakeDropbox s = server();
        BlobStore b = raw(s, TOKEN);
        assertTrue(b.putIfAbsent("refs/heads/main", utf8("a\n")));
        assertFalse(b.putIfAbsent("refs/heads/main", utf8("a\n")), "identical bytes are still a conflict (strict)");
        String rev = b.get("refs/heads/main").orElseThrow().token();
        assertEquals(rev, b.stat("refs/heads/main").orElseThrow().token());
        assertTrue(b.replaceIfUnchanged("refs/heads/main", utf8("b\n"), rev));
        assertFalse(b.replaceIfUnchanged("refs/heads/main", utf8("b\n"), rev));
        String rev2 = b.stat("refs/heads/main").orElseThrow().token();
        b.delete("refs/heads/main");
        assertFalse(b.replaceIfUnchanged("refs/heads/main", utf8("c\n"), rev2), "a deleted file is no match");
        assertTrue(b.get("refs/heads/main").isEmpty());
        assertTrue(s.log().stream()
                .allMatch(l -> !l.startsWith("files/upload ") || l.contains("\"strict_conflict\":true")));
        // Names differing only in case are one file on Dropbox.
        b.put("refs/heads/Main", utf8("x\n"));
        assertArrayEquals(utf8("x\n"), b.get("refs/heads/main").orElseThrow().data());
    }

    @Test
    void anExpiredOrWrongTokenIsOneClearLineAndNotRetried() {
        FakeDropbox s = server();
        BlobStore ok = retrying(s);
        ok.put("config", utf8("{}"));
        s.expireToken();
        RemoteUnavailableException expired = assertThrows(RemoteUnavailableException.class, () -> ok.get("config"));
        assertFalse(expired.retryable());
        assertTrue(
                expired.getMessage().contains("expired_access_token")
                        && expired.getMessage().contains("forge auth login dropbox"),
                expired.getMessage());
        assertFalse(expired.getMessage().contains(TOKEN));
        assertFalse(expired.getMessage().contains("\n"));
        assertEquals(0, retries.size());
        s.token(TOKEN);
        RemoteUnavailableException bad = assertThrows(
                RemoteUnavailableException.class,
                () -> raw(s, "sl.wrongWrongWrong").get("config"));
        assertFalse(bad.retryable());
        assertTrue(bad.getMessage().contains("invalid_access_token"), bad.getMessage());
        assertFalse(bad.getMessage().contains("sl.wrong"));
        RemoteUnavailableException none = assertThrows(
                RemoteUnavailableException.class, () -> raw(s, null).get("config"));
        assertTrue(none.getMessage().contains("no token set"), none.getMessage());
    }

    @Test
    void anExpiredTokenIsRefreshedOnceWhenARefreshTokenIsGiven() throws Exception {
        FakeDropbox s = server();
        s.refreshToken("refresh-secret-1", "app-key");
        BlobStore b = DropboxBlobStore.open(
                url(s),
                () -> Optional.of(TOKEN),
                new OAuthRefresh(
                        "Dropbox",
                        okhttp3.HttpUrl.get(DropboxBlobStore.tokenEndpoint(url(s))),
                        "refresh-secret-1",
                        "app-key",
                        null),
                RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)),
                PART);
        b.put("config", utf8("{}"));
        s.expireToken();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 4; i++)
                reads.add(pool.submit(() -> b.get("config").orElseThrow().data()));
            for (Future<byte[]> f : reads) assertArrayEquals(utf8("{}"), f.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, s.refreshed().size(), "one refresh for all threads");
        b.put("refs/heads/main", utf8("m\n"));
        assertEquals("Bearer " + s.refreshed().getFirst(), s.authorizations().getLast());
        for (String line : s.log()) assertFalse(line.contains("refresh-secret"), line);

        BlobStore wrong = DropboxBlobStore.open(
                url(s),
                () -> Optional.of(TOKEN),
                new OAuthRefresh(
                        "Dropbox",
                        okhttp3.HttpUrl.get(DropboxBlobStore.tokenEndpoint(url(s))),
                        "refresh-secret-wrong",
                        "app-key",
                        null),
                RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)),
                PART);
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> wrong.get("config"));
        assertFalse(e.retryable());
        assertTrue(
                e.getMessage().contains("refused to refresh") && e.getMessage().contains("invalid_grant"),
                e.getMessage());
        assertFalse(e.getMessage().contains("refresh-secret"), e.getMessage());
    }

    /** As Remote opens a Dropbox remote: the token from {@code store}, the refresh from {@code env} else it. */
    static BlobStore asRemoteOpensIt(RemoteUrl.Dropbox u, TokenStore store, Map<String, String> env) {
        java.net.URI api = java.net.URI.create(u.api());
        return DropboxBlobStore.open(
                u,
                () -> store.find(Provider.DROPBOX, api).map(FoundToken::token),
                OAuthRefresh.of(
                        env,
                        "FORGE_DROPBOX",
                        "Dropbox",
                        DropboxBlobStore.tokenEndpoint(u),
                        store,
                        Provider.DROPBOX,
                        api),
                RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)),
                PART);
    }

    @Test
    void theStoredRefreshTokenIsUsedWithoutTheEnvironmentAndARotatedOneIsSaved(
            @org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        FakeDropbox s = server();
        s.refreshToken("rt-stored-SECRET-1", "app-key");
        s.rotateRefreshTokens();
        RemoteUrl.Dropbox u = url(s);
        java.net.URI api = java.net.URI.create(u.api());
        TokenStore store = new TokenStore(Map.of(), home.resolve("config/forge"));
        store.save(
                Provider.DROPBOX,
                api,
                TOKEN,
                new RefreshGrant(
                        "rt-stored-SECRET-1", "app-key", null, java.net.URI.create(DropboxBlobStore.tokenEndpoint(u))),
                false);
        BlobStore b = asRemoteOpensIt(u, store, Map.of());
        b.put("config", utf8("{}"));
        s.expireToken(); // every request is now 401 expired_access_token until a refresh
        assertArrayEquals(utf8("{}"), b.get("config").orElseThrow().data());
        assertEquals(1, s.refreshed().size());
        // The new access token and the rotated refresh token are in the store; the old refresh token is not.
        assertEquals(s.refreshed().getFirst(), store.lookup("dropbox", api).orElseThrow());
        RefreshGrant kept = store.refreshGrant(Provider.DROPBOX, api).orElseThrow();
        assertEquals(s.currentRefreshToken(), kept.refreshToken());
        assertFalse(kept.refreshToken().equals("rt-stored-SECRET-1"));
        // A second expiry in the same process refreshes with the rotated token (the first no longer works).
        s.expireToken();
        b.put("refs/heads/main", utf8("m\n"));
        assertEquals(2, s.refreshed().size());
        assertEquals(
                s.currentRefreshToken(),
                store.refreshGrant(Provider.DROPBOX, api).orElseThrow().refreshToken());
        // A new process (a new refresher from the store) starts from the rotated one too.
        s.expireToken();
        BlobStore again = asRemoteOpensIt(u, store, Map.of());
        assertArrayEquals(
                utf8("m\n"), again.get("refs/heads/main").orElseThrow().data());
        assertEquals(3, s.refreshed().size());
        for (String line : s.log()) assertFalse(line.contains("rt-"), line);
        // No file but the encrypted one holds a token or refresh token.
        try (var files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                for (String secret :
                        List.of(s.currentRefreshToken(), s.refreshed().getLast(), TOKEN))
                    assertFalse(text.contains(secret), f + " holds a token");
            }
        }

        // The environment's refresh token wins over the stored one (here a wrong one: refused).
        s.expireToken();
        BlobStore env = asRemoteOpensIt(
                u, store, Map.of("FORGE_DROPBOX_REFRESH_TOKEN", "rt-env-wrong", "FORGE_DROPBOX_CLIENT_ID", "app-key"));
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> env.get("config"));
        assertTrue(e.getMessage().contains("invalid_grant"), e.getMessage());
        assertFalse(e.getMessage().contains("rt-"), e.getMessage());
    }

    @Test
    void concurrentWritersOnSeparateClientsLoseNoUpdate() throws Exception {
        FakeDropbox s = server();
        raw(s, TOKEN).put("refs/heads/counter", utf8("0"));
        int writers = 6;
        int each = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                BlobStore b = raw(s, TOKEN);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            BlobStore.Versioned v = b.get("refs/heads/counter").orElseThrow();
                            int n = Integer.parseInt(new String(v.data(), StandardCharsets.UTF_8));
                            if (b.replaceIfUnchanged("refs/heads/counter", utf8(String.valueOf(n + 1)), v.token()))
                                break;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(
                String.valueOf(writers * each),
                new String(raw(s, TOKEN).get("refs/heads/counter").orElseThrow().data(), StandardCharsets.UTF_8));
    }

    @Test
    void urlsAreParsedAndChecked() {
        RemoteUrl.Dropbox d = (RemoteUrl.Dropbox) RemoteUrl.parse("dropbox://forge/film", Path.of("/"));
        assertEquals("/forge/film", d.root());
        assertEquals("https://api.dropboxapi.com", d.api());
        assertEquals("https://content.dropboxapi.com", d.content());
        RemoteUrl.Dropbox t = (RemoteUrl.Dropbox)
                RemoteUrl.parse("dropbox:///film?api=http://127.0.0.1:9/&content=http://127.0.0.1:8", Path.of("/"));
        assertEquals("/film", t.root());
        assertEquals("http://127.0.0.1:9", t.api());
        assertEquals("http://127.0.0.1:8", t.content());
        RemoteUrl.Dropbox one =
                (RemoteUrl.Dropbox) RemoteUrl.parse("dropbox://film?api=http://127.0.0.1:9", Path.of("/"));
        assertEquals("http://127.0.0.1:9", one.content(), "one test server serves both");
        for (String bad : List.of(
                "dropbox://",
                "dropbox:///",
                "dropbox://a/../b",
                "dropbox://film?api=ftp://x",
                "dropbox://film?token=abc",
                "dropbox://film?access_token=sl.secret")) {
            assertThrows(InvalidInputException.class, () -> RemoteUrl.parse(bad, Path.of("/")), bad);
        }
        var ex = assertThrows(
                InvalidInputException.class, () -> RemoteUrl.parse("dropbox://film?token=sl.secret", Path.of("/")));
        assertFalse(ex.getMessage().contains("sl.secret"), ex.getMessage());
    }
}
