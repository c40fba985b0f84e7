package dev.forge.mirror.github;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.RemoteUrl;
import dev.forge.mirror.blob.BlobStoreContract;
import dev.forge.mirror.blob.RetryListener;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.blob.RetryingBlobStore;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The blob-store contract and GitHub's faults, against {@link FakeGitHub}. */
class GitHubBlobStoreTest extends BlobStoreContract {
    static final String TOKEN = "ghp_fakeTokenForTests0123456789abcdef";
    final List<FakeGitHub> servers = new ArrayList<>();
    final List<RetryListener.Retry> retries = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FakeGitHub::close);
    }

    FakeGitHub server() {
        try {
            FakeGitHub s = FakeGitHub.start("studio", "assets", TOKEN);
            servers.add(s);
            return s;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static RemoteUrl.GitHub url(FakeGitHub s) {
        return (RemoteUrl.GitHub) RemoteUrl.parse(s.url(), Path.of("/"));
    }

    static BlobStore raw(FakeGitHub s, String token, int assetsPerRelease) {
        return GitHubBlobStore.open(
                url(s),
                () -> Optional.ofNullable(token),
                RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)),
                assetsPerRelease);
    }

    /** As Remote wraps it: retrying, every retry reported. */
    BlobStore retrying(FakeGitHub s) {
        return new RetryingBlobStore(
                raw(s, TOKEN, 1000), RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)), retries::add);
    }

    @Override
    protected BlobStore store() {
        return raw(server(), TOKEN, 1000);
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
    void namesMapToAssetsAndContentsFiles() {
        FakeGitHub s = server();
        BlobStore b = raw(s, TOKEN, 1000);
        b.putIfAbsent("config", utf8("{}"));
        b.put("packs/abc.pack", random(1, 1000));
        b.put("packs/abc.idx", random(2, 100));
        b.put("refs/heads/feature/x", utf8("1\n"));
        assertEquals(
                Set.of("forge/config", "forge/refs/heads/feature/x"), s.files().keySet());
        assertEquals(
                Set.of("forge-packs-1/abc.pack uploaded 1000", "forge-packs-1/abc.idx uploaded 100"),
                Set.copyOf(s.assets()));
        Set<String> refs = new HashSet<>();
        for (BlobStore.BlobInfo i : b.list("refs/heads/")) refs.add(i.name());
        assertEquals(Set.of("refs/heads/feature/x"), refs);
        assertTrue(s.storageAuthorizations().isEmpty());
        assertArrayEquals(random(1, 1000), b.get("packs/abc.pack").orElseThrow().data());
        assertTrue(s.storageAuthorizations().isEmpty(), "the token never goes to the storage host");
        for (String line : s.log()) assertFalse(line.contains(TOKEN), line);
        // Files over 1 MB come from the Contents API without inline content: read raw.
        byte[] big = random(9, 1_500_000);
        b.put("gc/big", big);
        assertArrayEquals(big, b.get("gc/big").orElseThrow().data());
        assertArrayEquals(java.util.Arrays.copyOfRange(big, 10, 20), b.get("gc/big", 10, 10));
    }

    @Test
    void assetsRollOverToANewReleaseAndListingsFollowEveryPage() {
        FakeGitHub s = server();
        s.pageSize(2);
        BlobStore b = raw(s, TOKEN, 3);
        b.put("config", utf8("{}"));
        for (int i = 0; i < 8; i++) b.put("packs/p" + i + ".pack", random(i, 100 + i));
        Set<String> releases = new HashSet<>();
        for (String a : s.assets()) releases.add(a.substring(0, a.indexOf('/')));
        assertEquals(Set.of("forge-packs-1", "forge-packs-2", "forge-packs-3"), releases);
        // A fresh client sees every asset through pages of two.
        BlobStore other = raw(s, TOKEN, 3);
        Set<String> names = new HashSet<>();
        for (BlobStore.BlobInfo i : other.list("packs/")) names.add(i.name());
        assertEquals(8, names.size());
        for (int i = 0; i < 8; i++)
            assertArrayEquals(
                    random(i, 100 + i),
                    other.get("packs/p" + i + ".pack").orElseThrow().data());
        assertTrue(s.log().stream().anyMatch(l -> l.contains("page=2")), "followed the Link header");
        // 25 refs in one folder, listed in pages too? The Contents API lists a folder in one answer.
        for (int i = 0; i < 5; i++) b.put("refs/heads/b" + i, utf8(i + "\n"));
        assertEquals(5, other.list("refs/heads/").size());
    }

    @Test
    void clientsUploadingAtOnceShareReleasesAndLoseNothing() throws Exception {
        FakeGitHub s = server();
        s.assetLimit(3); // the server enforces it, as GitHub does its 1000: a client's count may be stale
        BlobStore first = raw(s, TOKEN, 3);
        first.put("config", utf8("{}"));
        int clients = 3;
        int each = 5;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients * 2);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                BlobStore b = new RetryingBlobStore(
                        raw(s, TOKEN, 3), RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)), retries::add);
                for (int half = 0; half < 2; half++) {
                    int client = c;
                    int from = half;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = from; i < each; i += 2)
                            b.put("packs/c" + client + "-" + i + ".pack", random(client * 100 + i, 500 + i));
                        return null;
                    }));
                }
            }
            go.countDown();
            for (var f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        BlobStore reader = raw(s, TOKEN, 3);
        assertEquals(clients * each, reader.list("packs/").size());
        for (int c = 0; c < clients; c++)
            for (int i = 0; i < each; i++)
                assertArrayEquals(
                        random(c * 100 + i, 500 + i),
                        reader.get("packs/c" + c + "-" + i + ".pack")
                                .orElseThrow()
                                .data());
        for (String a : s.assets()) assertTrue(a.contains(" uploaded "), a);
        java.util.Map<String, Integer> perRelease = new java.util.HashMap<>();
        for (String a : s.assets()) perRelease.merge(a.substring(0, a.indexOf('/')), 1, Integer::sum);
        for (int n : perRelease.values()) assertTrue(n <= 3, perRelease.toString());
    }

    @Test
    void rateLimitsAreWaitedOutAndReported() {
        FakeGitHub s = server();
        BlobStore b = retrying(s);
        b.put("config", utf8("{}"));
        s.failNext("PUT", "/contents/forge/refs/", FakeGitHub.Fault.SECONDARY_403, 1);
        s.failNext("GET", "/releases$", FakeGitHub.Fault.TOO_MANY_429, 1);
        s.failNext("GET", "/contents/forge/refs/", FakeGitHub.Fault.PRIMARY_403, 1);
        assertTrue(b.putIfAbsent("refs/heads/main", utf8("a\n")));
        b.put("packs/x.pack", random(3, 5000));
        assertArrayEquals(utf8("a\n"), b.get("refs/heads/main").orElseThrow().data());
        assertEquals(3, s.faultsServed().size(), s.faultsServed().toString());
        assertTrue(retries.size() >= 3, retries.toString());
        for (RetryListener.Retry r : retries) {
            assertTrue(r.serverAsked(), r.toString());
            assertTrue(r.reason().contains("rate limit"), r.reason());
            assertFalse(r.reason().contains(TOKEN));
        }
    }

    @Test
    void aLongerRateLimitThanMaxWaitGivesUpAtOnce() {
        FakeGitHub s = server();
        BlobStore b = new RetryingBlobStore(
                raw(s, TOKEN, 1000), RetryPolicy.of(Duration.ofSeconds(4), Duration.ZERO), retries::add);
        s.failNext("GET", "/contents/", FakeGitHub.Fault.SECONDARY_403, 1);
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> b.get("config"));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("rate limit") && e.getMessage().contains("remote.maxWait"), e.getMessage());
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetried() {
        FakeGitHub s = server();
        BlobStore b = retrying(s);
        b.put("config", utf8("{}"));
        byte[] data = random(4, 300_000);
        b.put("packs/y.pack", data);
        s.failNext("GET", "/releases/assets/", FakeGitHub.Fault.ERROR_502, 1);
        s.failNext("GET", "/storage/", FakeGitHub.Fault.DROP, 1);
        s.failNext("GET", "/storage/", FakeGitHub.Fault.SECONDARY_403, 1); // an expired link: ask the API again
        s.failNext("GET", "/contents/forge/config", FakeGitHub.Fault.ERROR_500, 1);
        s.failNext("GET", "/contents/forge/config", FakeGitHub.Fault.DROP, 1);
        BlobStore fresh = new RetryingBlobStore(
                raw(s, TOKEN, 1000), RetryPolicy.of(Duration.ofSeconds(4), Duration.ofSeconds(30)), retries::add);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 2000), fresh.get("packs/y.pack", 1000, 1000));
        assertArrayEquals(utf8("{}"), fresh.get("config").orElseThrow().data());
        assertEquals(5, s.faultsServed().size(), s.faultsServed().toString());
        assertEquals(5, retries.size(), retries.toString());
    }

    @Test
    void aStarterAssetLeftByA502IsDeletedAndUploadedAgain() throws Exception {
        FakeGitHub s = server();
        BlobStore b = retrying(s);
        b.put("config", utf8("{}"));
        s.failNext("POST", "/api/uploads/", FakeGitHub.Fault.STARTER_502, 1);
        Path f = tmp.resolve("p.pack");
        byte[] data = random(5, 200_000);
        Files.write(f, data);
        b.put("packs/s.pack", f);
        assertEquals(List.of("forge-packs-1/s.pack uploaded 200000"), s.assets());
        assertArrayEquals(data, b.get("packs/s.pack").orElseThrow().data());
        assertTrue(
                s.log().stream().anyMatch(l -> l.startsWith("DELETE ") && l.contains("/releases/assets/")),
                s.log().toString());
        assertEquals(1, retries.size());
    }

    @Test
    void aBranchThatMovedUnderAConditionalWriteIsRetriedNotLost() {
        FakeGitHub s = server();
        BlobStore b = retrying(s);
        assertTrue(b.putIfAbsent("refs/heads/main", utf8("a\n")));
        String token = b.get("refs/heads/main").orElseThrow().token();
        s.failNext("PUT", "/contents/forge/refs/heads/main", FakeGitHub.Fault.BRANCH_MOVED_409, 1);
        assertTrue(b.replaceIfUnchanged("refs/heads/main", utf8("b\n"), token));
        assertArrayEquals(utf8("b\n"), b.get("refs/heads/main").orElseThrow().data());
        assertFalse(b.replaceIfUnchanged("refs/heads/main", utf8("c\n"), token));
    }

    @Test
    void aBadOrMissingTokenAndAMissingRepositoryAreClearAndNotRetried() {
        FakeGitHub s = server();
        RemoteUnavailableException bad = assertThrows(
                RemoteUnavailableException.class,
                () -> raw(s, "ghp_wrongWrongWrong", 1000).get("config"));
        assertFalse(bad.retryable());
        assertTrue(
                bad.getMessage().contains("401") && bad.getMessage().contains("FORGE_GITHUB_TOKEN"), bad.getMessage());
        assertFalse(bad.getMessage().contains("ghp_wrong"));
        RemoteUnavailableException none = assertThrows(
                RemoteUnavailableException.class, () -> raw(s, null, 1000).get("config"));
        assertFalse(none.retryable());
        assertTrue(
                none.getMessage().contains("does not exist")
                        && none.getMessage().contains("no token set"),
                none.getMessage());
        BlobStore ok = raw(s, TOKEN, 1000);
        ok.put("config", utf8("{}"));
        s.token("ghp_rotatedToken"); // the token expired
        RemoteUnavailableException expired = assertThrows(RemoteUnavailableException.class, () -> ok.get("config"));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
        assertFalse(expired.getMessage().contains(TOKEN));
        s.readOnlyToken("ghp_readOnly");
        BlobStore reader = raw(s, "ghp_readOnly", 1000);
        assertArrayEquals(utf8("{}"), reader.get("config").orElseThrow().data());
        RemoteUnavailableException denied =
                assertThrows(RemoteUnavailableException.class, () -> reader.putIfAbsent("refs/heads/x", utf8("1\n")));
        assertFalse(denied.retryable());
        assertTrue(denied.getMessage().contains("contents: write"), denied.getMessage());
        String missing = s.url().replace("studio/assets", "studio/nope");
        BlobStore other = GitHubBlobStore.open(
                (RemoteUrl.GitHub) RemoteUrl.parse(missing, Path.of("/")),
                () -> Optional.of("ghp_rotatedToken"),
                RetryPolicy.standard(),
                1000);
        RemoteUnavailableException gone = assertThrows(RemoteUnavailableException.class, () -> other.get("config"));
        assertTrue(gone.getMessage().contains("studio/nope does not exist"), gone.getMessage());
    }

    @Test
    void urlsAreParsedAndCheckedAndTheApiDefaultsToGitHubCom() {
        RemoteUrl.GitHub g = (RemoteUrl.GitHub) RemoteUrl.parse("github://ana/film", Path.of("/"));
        assertEquals("ana", g.owner());
        assertEquals("film", g.repo());
        assertEquals("https://api.github.com", g.api());
        RemoteUrl.GitHub e =
                (RemoteUrl.GitHub) RemoteUrl.parse("github://ana/film?api=https://ghe.example/api/v3/", Path.of("/"));
        assertEquals("https://ghe.example/api/v3", e.api());
        for (String bad : List.of(
                "github://ana",
                "github://ana/film/extra",
                "github://ana/film?api=ftp://x",
                "github://ana/film?token=abc",
                "github://ana/film?branch=x")) {
            assertThrows(
                    dev.forge.core.error.InvalidInputException.class, () -> RemoteUrl.parse(bad, Path.of("/")), bad);
        }
        var ex = assertThrows(
                dev.forge.core.error.InvalidInputException.class,
                () -> RemoteUrl.parse("github://ana/film?token=ghp_secret", Path.of("/")));
        assertFalse(ex.getMessage().contains("ghp_secret"), ex.getMessage());
    }
}
