package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertMatchesManifest;
import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.mirror.gdrive.FakeDrive;
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
 * {@code gdrive://} remotes end to end through dist/forge, against {@link FakeDrive} (a local server that
 * follows the Google Drive API v3 as documented, in this test's JVM, reached with {@code ?api=}): the
 * shared corpus v1 pushed with a 403 userRateLimitExceeded, a 429, a 503, a dropped listing and a
 * resumable upload cut half way in the middle, cloned and compared byte for byte, v2 pushed and pulled;
 * an expired token is one line and exit 10; a token saved by {@code forge auth login google --api} is
 * used for that host only; the token appears in no output and no request the server logged.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class GDriveIT {
    static final String TOKEN = "ya29.e2eDriveSecretToken0123456789abcdef";
    final List<ForgeProcess.Result> runs = new ArrayList<>();
    FakeDrive drive;

    @BeforeAll
    static void build() {
        ForgeProcess.forge();
    }

    @AfterEach
    void stop() {
        if (drive != null) drive.close();
    }

    ForgeProcess.Result forge(Path dir, Map<String, String> env, String... args) {
        ForgeProcess.Result r = ForgeProcess.run(dir, Duration.ofMinutes(10), Arrays.asList(args), env);
        runs.add(r);
        return r;
    }

    ForgeProcess.Result forge(Path dir, String... args) {
        return forge(dir, Map.of("FORGE_GDRIVE_TOKEN", TOKEN), args);
    }

    void assertNoTokenAnywhere() {
        for (ForgeProcess.Result r : runs) {
            assertFalse(r.output().contains(TOKEN), r::describe);
            assertFalse(r.output().contains("e2eDriveSecret"), r::describe);
        }
        for (String line : drive.log()) assertFalse(line.contains(TOKEN), line);
    }

    @Test
    void corpusThroughDriveWithRateLimitsDropsAndACutUpload(@TempDir Path tmp) throws Exception {
        corpusRoundTrip(tmp, true);
    }

    /** The same without faults, for docs/benchmarks.md; runs only with {@code -Dforge.bench.cloud=true}. */
    @Test
    void corpusThroughDriveForTheBenchmark(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("forge.bench.cloud"), "benchmark only");
        corpusRoundTrip(tmp, false);
    }

    private void corpusRoundTrip(Path tmp, boolean faults) throws Exception {
        drive = FakeDrive.start(TOKEN);
        if (faults) drive.pageSize(3); // every listing takes several pages
        String url = drive.url("Studio/film");
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
            drive.failNext("GET", "/drive/v3/files\\?", FakeDrive.Fault.USER_RATE_403, 1);
            drive.failNext("POST", "/upload/drive/v3/files", FakeDrive.Fault.RATE_429, 1);
            drive.failNext("GET", "generateIds", FakeDrive.Fault.ERROR_503, 1);
            drive.failNext("GET", "/drive/v3/files\\?", FakeDrive.Fault.DROP, 1);
            drive.failNext("PUT", "upload_id=", FakeDrive.Fault.CUT_UPLOAD, 1);
        }
        int h0 = drive.log().size();
        ForgeProcess.Result push1 = forge(work, "push", "--json").ok();
        int h1 = drive.log().size();
        JsonNode p1 = json(push1);
        if (faults) {
            // Every fault was met and outlived (retry lines of one attempt number are merged on stderr).
            assertEquals(5, drive.faultsServed().size(), drive.faultsServed()::toString);
            assertTrue(push1.stderr().contains("\"event\":\"retry\""), push1::describe);
        }
        assertTrue(drive.names().stream().anyMatch(n -> n.startsWith("forge-state-")), drive.names()::toString);

        if (faults) drive.failNext("GET", "alt=media", FakeDrive.Fault.DROP, 1);
        ForgeProcess.Result cloned = forge(tmp, "clone", url, "fresh", "--json").ok();
        int h2 = drive.log().size();
        JsonNode c = json(cloned);
        Path fresh = tmp.resolve("fresh");
        assertMatchesManifest(v1, fresh, "the clone of v1 (gdrive)");
        forge(fresh, "fsck").ok();

        E2eFiles.replaceContent(work, corpus.resolve("v2"));
        forge(work, "add", ".").ok();
        forge(work, "commit", "-m", "corpus v2").ok();
        if (faults) drive.failNext("PUT", "upload_id=", FakeDrive.Fault.ERROR_500, 1);
        int h3 = drive.log().size();
        ForgeProcess.Result push2 = forge(work, "push", "--json").ok();
        JsonNode p2 = json(push2);
        int h4 = drive.log().size();
        ForgeProcess.Result pulled = forge(fresh, "pull", "--json").ok();
        JsonNode pull = json(pulled);
        int h5 = drive.log().size();
        assertEquals("fast_forward", pull.path("outcome").asText(), pull::toString);
        assertMatchesManifest(v2, fresh, "the clone after pulling v2 (gdrive)");
        assertTrue(json(forge(fresh, "status", "--json").ok()).path("clean").asBoolean());

        byte[] t = TOKEN.getBytes(StandardCharsets.UTF_8);
        for (byte[] stored : drive.storedBytes()) assertFalse(GitHubIT.contains(stored, t), "the token is stored");
        assertNoTokenAnywhere();
        System.out.printf(
                Locale.ROOT,
                "[GDriveIT] fake drive%s (wall s, bytes, HTTP requests at the server, forge's blob calls):"
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
        drive = FakeDrive.start(TOKEN);
        Map<String, String> env =
                Map.of("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        Path token = tmp.resolve("token.txt");
        Files.writeString(token, TOKEN + "\n");
        ProcessBuilder pb = new ProcessBuilder(
                        ForgeProcess.forge().toString(),
                        "auth",
                        "login",
                        "google",
                        "--api",
                        drive.api(),
                        "--with-token")
                .directory(tmp.toFile())
                .redirectInput(token.toFile())
                .redirectOutput(tmp.resolve("login.out").toFile())
                .redirectError(tmp.resolve("login.err").toFile());
        pb.environment().putAll(env);
        pb.environment().remove("FORGE_GDRIVE_TOKEN");
        Process login = pb.start();
        assertEquals(0, login.waitFor(), Files.readString(tmp.resolve("login.err")));

        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(w.resolve("a.txt"), "a\n");
        forge(w, env, "init").ok();
        forge(w, env, "add", ".").ok();
        forge(w, env, "commit", "-m", "a").ok();
        forge(w, env, "remote", "add", "origin", drive.url("film")).ok();
        forge(w, env, "push").ok();
        forge(tmp, env, "clone", drive.url("film"), "c").ok();
        assertEquals("a\n", Files.readString(tmp.resolve("c/a.txt")));
        for (String a : drive.authorizations()) assertEquals("Bearer " + TOKEN, a);

        drive.expireToken();
        Files.writeString(w.resolve("b.txt"), "b\n");
        forge(w, env, "add", ".").ok();
        forge(w, env, "commit", "-m", "b").ok();
        ForgeProcess.Result expired = forge(w, env, "push").expect(10).oneLineError();
        assertTrue(
                expired.stderr().contains("expired") && expired.stderr().contains("forge auth login gdrive"),
                expired::describe);
        ForgeProcess.Result debug = forge(w, env, "--debug", "push").expect(10);
        assertFalse(debug.output().contains(TOKEN), debug::describe);
        // With a refresh token in the environment, push trades it for a new access token and goes on.
        drive.refreshToken("refresh-e2e-secret", "client-e2e");
        Map<String, String> refreshing = new java.util.HashMap<>(env);
        refreshing.put("FORGE_GDRIVE_REFRESH_TOKEN", "refresh-e2e-secret");
        refreshing.put("FORGE_GDRIVE_CLIENT_ID", "client-e2e");
        ForgeProcess.Result refreshed = forge(w, refreshing, "push").ok();
        assertEquals(1, drive.refreshed().size(), drive.log()::toString);
        assertFalse(refreshed.output().contains("refresh-e2e-secret"), refreshed::describe);
        assertFalse(refreshed.output().contains(drive.refreshed().getFirst()), refreshed::describe);
        drive.token(TOKEN);
        forge(w, env, "push").ok();

        try (FakeDrive other = FakeDrive.start(TOKEN)) {
            forge(w, env, "remote", "add", "other", other.url("film")).ok();
            ForgeProcess.Result refused =
                    forge(w, env, "push", "other").expect(10).oneLineError();
            assertTrue(refused.stderr().contains("no token set"), refused::describe);
            assertEquals(List.of(), other.authorizations(), "the token never goes to another host");
        }
        assertNoTokenAnywhere();
    }
}
