package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertMatchesManifest;
import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.mirror.github.FakeGitHub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code github://} remotes end to end through dist/forge, against {@link FakeGitHub} (a local server
 * that follows GitHub's documented REST API, in this test's JVM, reached with {@code ?api=}): the
 * shared corpus v1 pushed with a secondary rate limit, a 429 and a 502 "starter" asset in the middle,
 * cloned and compared byte for byte, v2 pushed and pulled; a push killed half way and finished by the
 * next one; a wrong token, a missing repository; and the token appears in no output, no request URL,
 * and no request to the download host.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class GitHubIT {
    static final String TOKEN = "ghp_e2eSecretToken0123456789abcdefABCD";
    final List<ForgeProcess.Result> runs = new ArrayList<>();
    FakeGitHub github;

    @BeforeAll
    static void build() {
        ForgeProcess.forge();
    }

    @AfterEach
    void stop() {
        if (github != null) github.close();
    }

    /** The user's config folder (their age identity: a new GitHub remote is encrypted to it). */
    @TempDir
    Path home;

    ForgeProcess.Result forge(Path dir, Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("XDG_CONFIG_HOME", home.toString());
        ForgeProcess.Result r = ForgeProcess.run(dir, Duration.ofMinutes(10), Arrays.asList(args), all);
        runs.add(r);
        return r;
    }

    ForgeProcess.Result forge(Path dir, String... args) {
        return forge(dir, Map.of("FORGE_GITHUB_TOKEN", TOKEN), args);
    }

    void assertNoTokenAnywhere() {
        for (ForgeProcess.Result r : runs) {
            assertFalse(r.output().contains(TOKEN), r::describe);
            assertFalse(r.output().contains("e2eSecret"), r::describe);
        }
        for (String line : github.log()) assertFalse(line.contains(TOKEN), line);
        assertEquals(List.of(), github.storageAuthorizations(), "the token never goes to the download host");
    }

    @Test
    void corpusThroughGitHubWithRateLimitsAndAStarterAssetMidPush(@TempDir Path tmp) throws Exception {
        corpusRoundTrip(tmp, true);
    }

    /**
     * The same without faults and with GitHub's page size, for docs/benchmarks.md; runs only with
     * {@code -Dforge.bench.github=true}.
     */
    @Test
    void corpusThroughGitHubForTheBenchmark(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("forge.bench.github"), "benchmark only");
        corpusRoundTrip(tmp, false);
    }

    private void corpusRoundTrip(Path tmp, boolean faults) throws Exception {
        github = FakeGitHub.start("studio", "film", TOKEN);
        if (faults) github.pageSize(3); // every listing takes several pages
        String url = github.url();
        Path corpus = RemoteIT.corpus();
        SortedMap<String, String> v1 = E2eFiles.readManifest(corpus.resolve("MANIFEST-v1.sha256"));
        SortedMap<String, String> v2 = E2eFiles.readManifest(corpus.resolve("MANIFEST-v2.sha256"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        forge(work, "init").ok();
        E2eFiles.copyTree(corpus.resolve("v1"), work);
        forge(work, "add", ".").ok();
        forge(work, "commit", "-m", "corpus v1").ok();
        forge(work, "remote", "add", "origin", url).ok();

        if (faults) {
            github.failNext("POST", "/api/uploads/", FakeGitHub.Fault.STARTER_502, 1);
            // The branch's blob (its name is encrypted: the only blob under refs/).
            github.failNext("PUT", "/contents/forge/refs/", FakeGitHub.Fault.SECONDARY_403, 1);
            github.failNext("GET", "/releases$", FakeGitHub.Fault.TOO_MANY_429, 1);
        }
        int h0 = github.log().size();
        ForgeProcess.Result push1 = forge(work, "push", "--json").ok();
        int h1 = github.log().size();
        JsonNode p1 = json(push1);
        if (faults) {
            assertEquals(3, github.faultsServed().size(), github.faultsServed()::toString);
            assertTrue(push1.stderr().contains("rate limit"), push1::describe);
            assertTrue(push1.stderr().contains("\"serverAsked\":true"), push1::describe);
        }
        for (String a : github.assets()) assertTrue(a.contains(" uploaded "), "no starter asset is left: " + a);
        assertTrue(push1.stderr().contains("encrypting "), push1::describe);
        assertTrue(
                github.files().keySet().stream().anyMatch(k -> k.startsWith("forge/refs/")), github.files()::toString);
        assertFalse(github.files().keySet().stream().anyMatch(k -> k.contains("heads")), github.files()::toString);
        // No plaintext of a known file is stored (a new GitHub remote is encrypted).
        List<byte[]> known = new ArrayList<>();
        try (var walk = Files.walk(corpus.resolve("v1"))) {
            for (Path f : walk.filter(Files::isRegularFile)
                    .filter(f -> f.toFile().length() > 100_000)
                    .limit(4)
                    .toList()) {
                byte[] b = Files.readAllBytes(f);
                for (int k = 1; k <= 3; k++) known.add(Arrays.copyOfRange(b, b.length * k / 4, b.length * k / 4 + 64));
            }
        }
        assertFalse(known.isEmpty());
        for (byte[] stored : github.storedBytes())
            for (byte[] k : known) assertFalse(contains(stored, k), "a plaintext chunk of a corpus file is stored");

        ForgeProcess.Result cloned = forge(tmp, "clone", url, "fresh", "--json").ok();
        int h2 = github.log().size();
        JsonNode c = json(cloned);
        Path fresh = tmp.resolve("fresh");
        assertMatchesManifest(v1, fresh, "the clone of v1 (github)");
        forge(fresh, "fsck").ok();

        E2eFiles.replaceContent(work, corpus.resolve("v2"));
        forge(work, "add", ".").ok();
        forge(work, "commit", "-m", "corpus v2").ok();
        if (faults) github.failNext("POST", "/api/uploads/", FakeGitHub.Fault.STARTER_502, 1);
        int h3 = github.log().size();
        ForgeProcess.Result push2 = forge(work, "push", "--json").ok();
        JsonNode p2 = json(push2);
        int h4 = github.log().size();
        ForgeProcess.Result pulled = forge(fresh, "pull", "--json").ok();
        JsonNode pull = json(pulled);
        int h5 = github.log().size();
        assertEquals("fast_forward", pull.path("outcome").asText(), pull::toString);
        assertMatchesManifest(v2, fresh, "the clone after pulling v2 (github)");
        assertTrue(json(forge(fresh, "status", "--json").ok()).path("clean").asBoolean());

        // Every byte the server holds was pushed by forge; the token is in none of it.
        byte[] t = TOKEN.getBytes(StandardCharsets.UTF_8);
        for (byte[] stored : github.storedBytes()) assertFalse(contains(stored, t), "the token is stored");
        assertNoTokenAnywhere();
        System.out.printf(
                Locale.ROOT,
                "[GitHubIT] fake github%s (wall s, bytes, HTTP requests at the server, forge's blob calls):"
                        + " push v1 %.1f s (forge: %.1f s) %d up %d HTTP %d calls; clone %.1f s (forge: %.1f s) %d"
                        + " down %d HTTP %d calls; push v2 %.1f s (forge: %.1f s) %d up %d HTTP; pull %.1f s %d down"
                        + " %d HTTP%n",
                faults ? " with faults" : "",
                push1.millis() / 1000.0,
                p1.path("seconds").asDouble(),
                p1.path("bytesSent").asLong(),
                h1 - h0,
                p1.path("requests").asLong(),
                cloned.millis() / 1000.0,
                c.path("seconds").asDouble(),
                c.path("bytesReceived").asLong(),
                h2 - h1,
                c.path("requests").asLong(),
                push2.millis() / 1000.0,
                p2.path("seconds").asDouble(),
                p2.path("bytesSent").asLong(),
                h4 - h3,
                pulled.millis() / 1000.0,
                pull.path("bytesReceived").asLong(),
                h5 - h4);
    }

    @Test
    void aPushKilledHalfWayIsFinishedByTheNextOne(@TempDir Path tmp) throws Exception {
        github = FakeGitHub.start("studio", "film", TOKEN);
        Path corpus = RemoteIT.corpus();
        SortedMap<String, String> v1 = E2eFiles.readManifest(corpus.resolve("MANIFEST-v1.sha256"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        forge(work, "init").ok();
        E2eFiles.copyTree(corpus.resolve("v1"), work);
        forge(work, "add", ".").ok();
        forge(work, "commit", "-m", "corpus v1").ok();
        forge(work, "remote", "add", "origin", github.url()).ok();
        github.holdUploadsAfter(3);
        ForgeProcess.Started p = ForgeProcess.start(
                work,
                List.of("push", "--json"),
                Map.of("FORGE_GITHUB_TOKEN", TOKEN, "XDG_CONFIG_HOME", home.toString()));
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (github.heldUploads() == 0 && p.process().isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(github.heldUploads() > 0, () -> "no upload was held; push stderr: " + p.readStderr());
            ForgeProcess.killTree(p.process());
            assertFalse(p.readStderr().contains(TOKEN));
        } finally {
            p.cleanup();
        }
        github.releaseUploads(); // the held uploads complete on the server after their client died
        while (github.heldUploads() > 0) Thread.sleep(20);
        assertFalse(
                github.files().keySet().stream().anyMatch(k -> k.startsWith("forge/refs/")),
                "the killed push moved no ref");
        int before = github.assets().size();
        assertTrue(before >= 3, github.assets()::toString);

        JsonNode again = json(forge(work, "push", "--json").ok());
        assertTrue(again.path("bytesSent").asLong() < 260_000_000L, again::toString);
        List<String> names = new ArrayList<>();
        for (String a : github.assets()) {
            assertTrue(a.contains(" uploaded "), a);
            names.add(a.substring(a.indexOf('/') + 1, a.indexOf(' ')));
        }
        assertEquals(names.size(), Set.copyOf(names).size(), "no asset twice: " + names);
        forge(tmp, "clone", github.url(), "fresh").ok();
        assertMatchesManifest(v1, tmp.resolve("fresh"), "the clone after a killed and resumed push (github)");
        assertNoTokenAnywhere();
    }

    @Test
    void aWrongTokenAndAMissingRepositoryAreOneLineExit10WithoutTheToken(@TempDir Path tmp) throws Exception {
        github = FakeGitHub.start("studio", "film", TOKEN);
        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(w.resolve("a.txt"), "a\n");
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "a").ok();
        forge(w, "remote", "add", "origin", github.url()).ok();
        String wrong = "ghp_e2eSecretWrongToken999";
        ForgeProcess.Result bad =
                forge(w, Map.of("FORGE_GITHUB_TOKEN", wrong), "push").expect(10).oneLineError();
        assertTrue(bad.stderr().contains("401") && bad.stderr().contains("FORGE_GITHUB_TOKEN"), bad::describe);
        assertFalse(bad.output().contains(wrong), bad::describe);
        ForgeProcess.Result debug =
                forge(w, Map.of("FORGE_GITHUB_TOKEN", wrong), "--debug", "push").expect(10);
        assertFalse(debug.output().contains(wrong), debug::describe);
        ForgeProcess.Result missing = forge(tmp, "clone", github.url().replace("/film", "/nope"), "x")
                .expect(10)
                .oneLineError();
        assertTrue(missing.stderr().contains("studio/nope does not exist"), missing::describe);
        assertFalse(Files.exists(tmp.resolve("x")), "a failed clone leaves nothing behind");
        forge(w, "push").ok();
        forge(w, "remote", "list").ok();
        assertNoTokenAnywhere();
    }

    /** A token saved by forge auth for one API host is used there, and not sent to another host. */
    @Test
    void aTokenSavedWithForgeAuthIsUsedForItsApiHostOnly(@TempDir Path tmp) throws Exception {
        github = FakeGitHub.start("studio", "film", TOKEN);
        Map<String, String> env =
                Map.of("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        Path token = tmp.resolve("token.txt");
        Files.writeString(token, TOKEN + "\n");
        ProcessBuilder pb = new ProcessBuilder(
                        ForgeProcess.forge().toString(),
                        "auth",
                        "login",
                        "github",
                        "--api",
                        github.api(),
                        "--with-token")
                .directory(tmp.toFile())
                .redirectInput(token.toFile())
                .redirectOutput(tmp.resolve("login.out").toFile())
                .redirectError(tmp.resolve("login.err").toFile());
        pb.environment().putAll(env);
        pb.environment().remove("FORGE_GITHUB_TOKEN");
        pb.environment().remove("GITHUB_TOKEN");
        Process login = pb.start();
        assertEquals(0, login.waitFor(), Files.readString(tmp.resolve("login.err")));

        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(w.resolve("a.txt"), "a\n");
        forge(w, env, "init").ok();
        forge(w, env, "add", ".").ok();
        forge(w, env, "commit", "-m", "a").ok();
        forge(w, env, "remote", "add", "origin", github.url()).ok();
        forge(w, env, "push").ok();
        forge(tmp, env, "clone", github.url(), "c").ok();
        assertEquals("a\n", Files.readString(tmp.resolve("c/a.txt")));

        try (FakeGitHub other = FakeGitHub.start("studio", "film", TOKEN)) {
            forge(w, env, "remote", "add", "other", other.url()).ok();
            ForgeProcess.Result refused = forge(w, env, "push", "other").expect(10);
            assertTrue(
                    refused.stderr().contains("no token set")
                            && refused.stderr().contains("forge auth login"),
                    refused::describe);
            for (String line : other.log()) assertFalse(line.contains(TOKEN), line);
        }
        assertNoTokenAnywhere();
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
