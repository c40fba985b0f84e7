package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertMatchesManifest;
import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.mirror.dropbox.FakeDropbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dropbox://} remotes end to end through dist/forge, against {@link FakeDropbox} (a local server
 * that follows Dropbox's documented HTTP API v2, in this test's JVM, reached with {@code ?api=}): the
 * shared corpus v1 pushed with a 429, a 503, a dropped download and an upload session cut half way in
 * the middle, cloned and compared byte for byte, v2 pushed and pulled; an expired token is one line and
 * exit 10; a token saved by {@code forge auth login dropbox --api} is used for that host only; the token
 * appears in no output and no request the server logged.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class DropboxIT {
    static final String TOKEN = "sl.e2eDropboxSecretToken0123456789abcdef";
    final List<ForgeProcess.Result> runs = new ArrayList<>();
    FakeDropbox dropbox;

    @BeforeAll
    static void build() {
        ForgeProcess.forge();
    }

    @AfterEach
    void stop() {
        if (dropbox != null) dropbox.close();
    }

    ForgeProcess.Result forge(Path dir, Map<String, String> env, String... args) {
        ForgeProcess.Result r = ForgeProcess.run(dir, Duration.ofMinutes(10), Arrays.asList(args), env);
        runs.add(r);
        return r;
    }

    ForgeProcess.Result forge(Path dir, String... args) {
        return forge(dir, Map.of("FORGE_DROPBOX_TOKEN", TOKEN), args);
    }

    void assertNoTokenAnywhere() {
        for (ForgeProcess.Result r : runs) {
            assertFalse(r.output().contains(TOKEN), r::describe);
            assertFalse(r.output().contains("e2eDropboxSecret"), r::describe);
        }
        for (String line : dropbox.log()) assertFalse(line.contains(TOKEN), line);
    }

    @Test
    void corpusThroughDropboxWithRateLimitsDropsAndACutUploadSession(@TempDir Path tmp) throws Exception {
        corpusRoundTrip(tmp, true);
    }

    /** The same without faults, for docs/benchmarks.md; runs only with {@code -Dforge.bench.cloud=true}. */
    @Test
    void corpusThroughDropboxForTheBenchmark(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("forge.bench.cloud"), "benchmark only");
        corpusRoundTrip(tmp, false);
    }

    private void corpusRoundTrip(Path tmp, boolean faults) throws Exception {
        dropbox = FakeDropbox.start(TOKEN);
        if (faults) dropbox.pageSize(3); // every listing takes several pages
        String url = dropbox.url("Studio/film");
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
            dropbox.failNext("files/upload$", FakeDropbox.Fault.TOO_MANY_429, 1);
            dropbox.failNext("files/get_metadata$", FakeDropbox.Fault.ERROR_503, 1);
            dropbox.failNext("files/list_folder", FakeDropbox.Fault.DROP, 1);
            dropbox.failNext("upload_session/append_v2$", FakeDropbox.Fault.CUT_UPLOAD, 1);
            dropbox.failNext("upload_session/finish$", FakeDropbox.Fault.CUT_UPLOAD, 1);
        }
        int h0 = dropbox.log().size();
        ForgeProcess.Result push1 = forge(work, "push", "--json").ok();
        int h1 = dropbox.log().size();
        JsonNode p1 = json(push1);
        if (faults) {
            // Every fault was met and outlived (retry lines of one attempt number are merged on stderr).
            assertEquals(5, dropbox.faultsServed().size(), dropbox.faultsServed()::toString);
            assertTrue(push1.stderr().contains("\"event\":\"retry\""), push1::describe);
        }
        assertTrue(
                dropbox.files().containsKey("/Studio/film/refs/heads/main"),
                dropbox.files().keySet()::toString);
        assertTrue(dropbox.largestUpload() <= FakeDropbox.MAX_REQUEST, "every request under 150 MB");

        if (faults) dropbox.failNext("files/download$", FakeDropbox.Fault.DROP, 1);
        ForgeProcess.Result cloned = forge(tmp, "clone", url, "fresh", "--json").ok();
        int h2 = dropbox.log().size();
        JsonNode c = json(cloned);
        Path fresh = tmp.resolve("fresh");
        assertMatchesManifest(v1, fresh, "the clone of v1 (dropbox)");
        forge(fresh, "fsck").ok();

        E2eFiles.replaceContent(work, corpus.resolve("v2"));
        forge(work, "add", ".").ok();
        forge(work, "commit", "-m", "corpus v2").ok();
        if (faults) dropbox.failNext("files/upload$", FakeDropbox.Fault.ERROR_500, 1);
        int h3 = dropbox.log().size();
        ForgeProcess.Result push2 = forge(work, "push", "--json").ok();
        JsonNode p2 = json(push2);
        int h4 = dropbox.log().size();
        ForgeProcess.Result pulled = forge(fresh, "pull", "--json").ok();
        JsonNode pull = json(pulled);
        int h5 = dropbox.log().size();
        assertEquals("fast_forward", pull.path("outcome").asText(), pull::toString);
        assertMatchesManifest(v2, fresh, "the clone after pulling v2 (dropbox)");
        assertTrue(json(forge(fresh, "status", "--json").ok()).path("clean").asBoolean());

        byte[] t = TOKEN.getBytes(StandardCharsets.UTF_8);
        for (byte[] stored : dropbox.files().values()) assertFalse(GitHubIT.contains(stored, t), "the token is stored");
        assertNoTokenAnywhere();
        System.out.printf(
                Locale.ROOT,
                "[DropboxIT] fake dropbox%s (wall s, bytes, HTTP requests at the server, forge's blob calls):"
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
    void anExpiredTokenIsOneLineExit10AndASavedTokenGoesToItsHostOnly(@TempDir Path tmp) throws Exception {
        dropbox = FakeDropbox.start(TOKEN);
        Map<String, String> env =
                Map.of("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        Path token = tmp.resolve("token.txt");
        Files.writeString(token, TOKEN + "\n");
        ProcessBuilder pb = new ProcessBuilder(
                        ForgeProcess.forge().toString(),
                        "auth",
                        "login",
                        "dropbox",
                        "--api",
                        dropbox.api(),
                        "--with-token")
                .directory(tmp.toFile())
                .redirectInput(token.toFile())
                .redirectOutput(tmp.resolve("login.out").toFile())
                .redirectError(tmp.resolve("login.err").toFile());
        pb.environment().putAll(env);
        pb.environment().remove("FORGE_DROPBOX_TOKEN");
        Process login = pb.start();
        assertEquals(0, login.waitFor(), Files.readString(tmp.resolve("login.err")));

        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(w.resolve("a.txt"), "a\n");
        forge(w, env, "init").ok();
        forge(w, env, "add", ".").ok();
        forge(w, env, "commit", "-m", "a").ok();
        forge(w, env, "remote", "add", "origin", dropbox.url("film")).ok();
        forge(w, env, "push").ok();
        forge(tmp, env, "clone", dropbox.url("film"), "c").ok();
        assertEquals("a\n", Files.readString(tmp.resolve("c/a.txt")));
        for (String a : dropbox.authorizations()) assertEquals("Bearer " + TOKEN, a);

        dropbox.expireToken();
        Files.writeString(w.resolve("b.txt"), "b\n");
        forge(w, env, "add", ".").ok();
        forge(w, env, "commit", "-m", "b").ok();
        ForgeProcess.Result expired = forge(w, env, "push").expect(10).oneLineError();
        assertTrue(
                expired.stderr().contains("expired") && expired.stderr().contains("forge auth login dropbox"),
                expired::describe);
        ForgeProcess.Result debug = forge(w, env, "--debug", "push").expect(10);
        assertFalse(debug.output().contains(TOKEN), debug::describe);
        // With a refresh token in the environment, push trades it for a new access token and goes on.
        dropbox.refreshToken("refresh-e2e-secret", "client-e2e");
        Map<String, String> refreshing = new java.util.HashMap<>(env);
        refreshing.put("FORGE_DROPBOX_REFRESH_TOKEN", "refresh-e2e-secret");
        refreshing.put("FORGE_DROPBOX_CLIENT_ID", "client-e2e");
        ForgeProcess.Result refreshed = forge(w, refreshing, "push").ok();
        assertEquals(1, dropbox.refreshed().size(), dropbox.log()::toString);
        assertFalse(refreshed.output().contains("refresh-e2e-secret"), refreshed::describe);
        assertFalse(refreshed.output().contains(dropbox.refreshed().getFirst()), refreshed::describe);
        dropbox.token(TOKEN);
        forge(w, env, "push").ok();

        try (FakeDropbox other = FakeDropbox.start(TOKEN)) {
            forge(w, env, "remote", "add", "other", other.url("film")).ok();
            ForgeProcess.Result refused =
                    forge(w, env, "push", "other").expect(10).oneLineError();
            assertTrue(refused.stderr().contains("no token set"), refused::describe);
            assertEquals(List.of(), other.authorizations(), "the token never goes to another host");
        }
        assertNoTokenAnywhere();
    }
}
