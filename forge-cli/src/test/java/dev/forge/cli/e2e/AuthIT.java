package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.forge.mirror.dropbox.FakeDropbox;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * forge auth through dist/forge: a token given on stdin is saved encrypted per API host, reported by
 * {@code auth status} without its value, and never appears in .forge/, the config folder's files, any output
 * (also with --debug and on errors) or the process's arguments. The device flow runs against a local server
 * that answers as GitHub documents its device-flow endpoints.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AuthIT {
    private static final String TOKEN = "ghp_E2eSecretToken0123456789abcdefXYZ";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<ForgeProcess.Result> results = new ArrayList<>();

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    private Map<String, String> env(String... more) {
        Map<String, String> e = new HashMap<>();
        e.put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        e.put("FORGE_NO_AOT", "1");
        e.put("GITHUB_TOKEN", "");
        e.put("FORGE_GITHUB_TOKEN", "");
        e.put("FORGE_PASSPHRASE", "");
        for (int i = 0; i < more.length; i += 2) e.put(more[i], more[i + 1]);
        return e;
    }

    private ForgeProcess.Result forge(Map<String, String> env, String... args) {
        ForgeProcess.Result r = run(tmp, ForgeProcess.DEFAULT_TIMEOUT, List.of(args), env);
        results.add(r);
        return r;
    }

    /**
     * Runs forge with {@code stdin} written to its standard input only once the Java process is up, and returns
     * the command lines of the process and its descendants seen before the token was written and after.
     */
    private List<String> loginWithToken(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ForgeProcess.forge().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().putAll(env);
        pb.environment().put("CI", "true");
        Path out = tmp.resolve("login.out");
        Path err = tmp.resolve("login.err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        List<String> cmdlines = new ArrayList<>();
        // Wait until the JVM runs (the launcher execs java), so that its arguments are the ones read.
        for (int i = 0; i < 600 && p.isAlive(); i++) {
            String own = cmdline(p.toHandle());
            if (own.contains("java") || p.descendants().anyMatch(h -> cmdline(h).contains("java"))) break;
            Thread.sleep(100);
        }
        cmdlines.add(cmdline(p.toHandle()));
        p.descendants().forEach(h -> cmdlines.add(cmdline(h)));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(UTF_8));
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "forge auth login did not finish");
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        results.add(new ForgeProcess.Result(tmp, List.of(args), p.exitValue(), stdout.getBytes(UTF_8), stderr, 0));
        assertEquals(0, p.exitValue(), stdout + stderr);
        return cmdlines;
    }

    private static String cmdline(ProcessHandle h) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline")), UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static JsonNode json(ForgeProcess.Result r) throws IOException {
        return JSON.readTree(r.stdout());
    }

    /** No file under {@code root} holds the token's bytes. */
    private static void assertNoFileHolds(Path root, String token) throws IOException {
        byte[] needle = token.getBytes(UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(f);
                String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(
                        s.contains(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1)),
                        () -> f + " holds the token");
            }
        }
    }

    private void assertNoOutputHolds(String token) {
        for (ForgeProcess.Result r : results)
            assertFalse(r.output().contains(token), () -> "output holds the token: " + r.describe());
    }

    @Test
    void tokenOnStdinIsSavedEncryptedAndNeverShown() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        forge(env(), "-C", "repo", "init").ok();
        Map<String, String> env = env();

        List<String> cmdlines =
                loginWithToken(env, TOKEN + "\n", "-C", "repo", "auth", "login", "github", "--with-token");
        assertTrue(cmdlines.stream().anyMatch(c -> c.contains("auth login github")), cmdlines.toString());
        for (String c : cmdlines) assertFalse(c.contains(TOKEN), "process arguments hold the token: " + c);
        loginWithToken(
                env,
                TOKEN + "-ghe",
                "auth",
                "login",
                "github",
                "--api",
                "https://GHE.example/api/v3/",
                "--with-token",
                "--json");

        Path config = tmp.resolve("config/forge");
        assertEquals("rwx------", perms(config));
        assertEquals("rw-------", perms(config.resolve("identity.txt")));
        assertEquals("rw-------", perms(config.resolve("tokens.age")));
        assertTrue(Files.readString(config.resolve("tokens.age"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .startsWith("age-encryption.org/v1\n-> X25519 "));

        JsonNode status =
                json(forge(env, "-C", "repo", "auth", "status", "--json").ok());
        assertEquals(2, status.get("tokens").size(), status.toString());
        JsonNode first = status.get("tokens").get(0);
        assertEquals("github", first.get("provider").asText());
        assertEquals("https://api.github.com", first.get("api").asText());
        assertEquals("encrypted file", first.get("source").asText());
        assertEquals(
                "https://ghe.example/api/v3",
                status.get("tokens").get(1).get("api").asText());
        String text = forge(env, "auth", "status", "--debug").ok().stdout();
        assertTrue(text.contains("github\thttps://api.github.com\tencrypted file"), text);

        // The environment comes first, and status says so (without the value).
        JsonNode withEnv = json(forge(env(), "auth", "status", "--json").ok());
        assertEquals(2, withEnv.get("tokens").size());
        var ci = env("GITHUB_TOKEN", "ghs_ci_token_value");
        JsonNode ciStatus = json(forge(ci, "auth", "status", "--json").ok());
        assertEquals("environment", ciStatus.get("tokens").get(0).get("source").asText());
        assertEquals("GITHUB_TOKEN", ciStatus.get("tokens").get(0).get("where").asText());
        assertFalse(ciStatus.toString().contains("ghs_ci_token_value"));

        // Errors, with and without --debug, name no token.
        forge(env, "auth", "logout", "github", "--api", "https://other.example/api/v3")
                .expect(4)
                .oneLineError();
        forge(env, "auth", "logout", "github", "--api", "https://other.example/api/v3", "--debug")
                .expect(4);
        ForgeProcess.Result jsonErr =
                forge(env, "auth", "logout", "dropbox", "--json").expect(4);
        assertEquals(4, JSON.readTree(jsonErr.stderr().strip()).get("exitCode").asInt());

        // A wrong key is exit 13 with one line, and --debug's stack trace holds no token either.
        Path id = config.resolve("identity.txt");
        String original = Files.readString(id);
        Files.writeString(id, "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n");
        ForgeProcess.Result wrong = forge(env, "auth", "status").expect(13).oneLineError();
        assertTrue(wrong.stderr().contains("tokens.age"), wrong.describe());
        forge(env, "auth", "status", "--debug").expect(13);
        Files.delete(id);
        ForgeProcess.Result missing = forge(env, "auth", "status").expect(13).oneLineError();
        assertTrue(missing.stderr().contains("identity.txt does not exist"), missing.describe());
        Files.writeString(id, original);

        forge(env, "auth", "logout", "github", "--api", "https://ghe.example/api/v3")
                .ok();
        assertEquals(
                1,
                json(forge(env, "auth", "status", "--json").ok()).get("tokens").size());

        assertNoFileHolds(repo, TOKEN);
        assertNoFileHolds(config, TOKEN);
        assertNoOutputHolds(TOKEN);
    }

    @Test
    void passphraseAndPlainTextStorage() throws Exception {
        loginWithToken(env("FORGE_PASSPHRASE", "e2e pass phrase"), TOKEN, "auth", "login", "dropbox", "--with-token");
        Path config = tmp.resolve("config/forge");
        assertFalse(Files.exists(config.resolve("identity.txt")));
        assertTrue(Files.readString(config.resolve("tokens.age"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .startsWith("age-encryption.org/v1\n-> scrypt "));
        ForgeProcess.Result none = forge(env(), "auth", "status", "--json").expect(13);
        JsonNode err = JSON.readTree(none.stderr().strip());
        assertEquals(13, err.get("exitCode").asInt());
        assertTrue(err.get("error").asText().contains("set FORGE_PASSPHRASE"), none.describe());
        JsonNode ok = json(forge(env("FORGE_PASSPHRASE", "e2e pass phrase"), "auth", "status", "--json")
                .ok());
        assertEquals("dropbox", ok.get("tokens").get(0).get("provider").asText());
        assertNoFileHolds(config, TOKEN);

        loginWithToken(
                env("FORGE_PASSPHRASE", "e2e pass phrase"),
                TOKEN + "-plain",
                "auth",
                "login",
                "gdrive",
                "--with-token",
                "--insecure-storage");
        assertEquals("rw-------", perms(config.resolve("tokens.json")));
        assertTrue(Files.readString(config.resolve("tokens.json")).contains(TOKEN + "-plain"));
        assertNoOutputHolds(TOKEN);
    }

    @Test
    void noPromptWithoutATerminal() {
        ForgeProcess.Result gh =
                forge(env(), "auth", "login", "github").expect(13).oneLineError();
        assertTrue(gh.stderr().contains("stdin is not a terminal"), gh.describe());
        forge(env(), "auth", "login", "gdrive").expect(13).oneLineError();
        forge(env(), "auth", "login", "github", "--with-token").expect(13).oneLineError();
        forge(env(), "auth", "login", "nope", "--with-token").expect(2).oneLineError();
        forge(env(), "auth", "login", "github", "--api", "ftp://x", "--with-token")
                .expect(2)
                .oneLineError();
        ForgeProcess.Result noClient =
                forge(env(), "auth", "login", "github", "--device").expect(13).oneLineError();
        assertTrue(noClient.stderr().contains("FORGE_GITHUB_CLIENT_ID"), noClient.describe());
        assertFalse(Files.exists(tmp.resolve("config/forge/tokens.age")));
    }

    @Test
    void deviceFlowAgainstALocalGitHub() throws Exception {
        String token = "gho_DeviceFlowToken0123456789";
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] polls = {0};
        server.createContext("/login/device/code", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), UTF_8));
            reply(
                    ex,
                    "{\"device_code\":\"dev-code-1\",\"user_code\":\"ABCD-1234\","
                            + "\"verification_uri\":\"http://127.0.0.1/login/device\",\"expires_in\":900,\"interval\":1}");
        });
        server.createContext("/login/oauth/access_token", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), UTF_8));
            reply(
                    ex,
                    polls[0]++ == 0
                            ? "{\"error\":\"authorization_pending\"}"
                            : "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"scope\":\"repo\"}");
        });
        server.start();
        try {
            String api = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3";
            ForgeProcess.Result r = forge(
                            env("FORGE_GITHUB_CLIENT_ID", "Iv1.e2e"),
                            "auth",
                            "login",
                            "github",
                            "--api",
                            api,
                            "--device")
                    .ok();
            assertTrue(r.stderr().contains("enter the code ABCD-1234"), r.describe());
            assertEquals("client_id=Iv1.e2e&scope=repo", bodies.getFirst());
            assertEquals(3, bodies.size(), bodies.toString());
            assertTrue(bodies.get(2).contains("device_code=dev-code-1"), bodies.toString());
            assertTrue(bodies.get(2).contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"));
            JsonNode status = json(forge(env(), "auth", "status", "--json").ok());
            assertEquals(api, status.get("tokens").get(0).get("api").asText());
            assertNoFileHolds(tmp.resolve("config"), token);
            assertNoOutputHolds(token);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void googleDeviceFlowKeepsARefreshTokenAndShowsNone() throws Exception {
        String access = "ya29.e2eGoogleAccessToken0123";
        String refresh = "1//e2eGoogleRefreshToken0123";
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer google = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        google.createContext("/", ex -> {
            bodies.add(ex.getRequestURI().getPath() + " "
                    + new String(ex.getRequestBody().readAllBytes(), UTF_8));
            reply(
                    ex,
                    ex.getRequestURI().getPath().equals("/device/code")
                            ? "{\"device_code\":\"dev-g\",\"user_code\":\"GQVQ-JKEC\",\"expires_in\":1800,"
                                    + "\"verification_url\":\"https://www.google.com/device\",\"interval\":1}"
                            : "{\"access_token\":\"" + access + "\",\"refresh_token\":\"" + refresh
                                    + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
        });
        google.start();
        try {
            String api = "http://127.0.0.1:" + google.getAddress().getPort();
            Map<String, String> env = env(
                    "FORGE_GDRIVE_CLIENT_ID",
                    "e2e.apps.googleusercontent.com",
                    "FORGE_GDRIVE_CLIENT_SECRET",
                    "GOCSPX-e2e");
            ForgeProcess.Result r = forge(env, "auth", "login", "google", "--api", api, "--device", "--debug")
                    .ok();
            assertTrue(
                    r.stderr().contains("open https://www.google.com/device and enter the code GQVQ-JKEC"),
                    r.describe());
            assertEquals(
                    "/device/code client_id=e2e.apps.googleusercontent.com"
                            + "&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.file",
                    bodies.getFirst());
            assertTrue(
                    bodies.get(1)
                            .startsWith("/token client_id=e2e.apps.googleusercontent.com"
                                    + "&client_secret=GOCSPX-e2e&device_code=dev-g&grant_type="),
                    bodies.toString());
            JsonNode entry = json(forge(env, "auth", "status", "--json").ok())
                    .get("tokens")
                    .get(0);
            assertEquals("gdrive", entry.get("provider").asText());
            assertTrue(entry.get("refreshToken").asBoolean(), entry.toString());
            for (String secret : List.of(access, refresh, "GOCSPX-e2e")) {
                assertNoFileHolds(tmp.resolve("config"), secret);
                assertNoOutputHolds(secret);
            }
        } finally {
            google.stop(0);
        }
    }

    @Test
    void dropboxCodeFlowWithPkceKeepsARefreshTokenAndShowsNone() throws Exception {
        try (FakeDropbox dropbox = FakeDropbox.start("sl.unused")) {
            String api = dropbox.api();
            // The fake cannot see the page the user opens: it records the verifier, checked against the URL below.
            dropbox.authorizationCode("PASTED-code-123", "e2e-app-key", null);
            Map<String, String> env = env("FORGE_DROPBOX_CLIENT_ID", "e2e-app-key");
            loginWithToken(
                    env, "PASTED-code-123\n", "auth", "login", "dropbox", "--api", api, "--code-stdin", "--debug");
            ForgeProcess.Result login = results.getLast();
            assertTrue(login.output().contains("Saved the dropbox token and its refresh token"), login.describe());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("open (\\S+/oauth2/authorize\\?\\S+)")
                    .matcher(login.stderr());
            assertTrue(m.find(), login.describe());
            String url = m.group(1);
            assertTrue(url.contains("client_id=e2e-app-key&response_type=code&code_challenge="), url);
            assertTrue(url.endsWith("&code_challenge_method=S256&token_access_type=offline"), url);
            String challenge = url.replaceAll(".*code_challenge=([^&]+)&.*", "$1");
            String verifier = dropbox.verifiers().getFirst();
            assertEquals(
                    challenge,
                    java.util.Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(verifier.getBytes(UTF_8))));

            JsonNode status = json(forge(env, "auth", "status", "--json").ok());
            JsonNode entry = status.get("tokens").get(0);
            assertEquals("dropbox", entry.get("provider").asText());
            assertEquals(api, entry.get("api").asText());
            assertEquals("encrypted file", entry.get("source").asText());
            assertTrue(entry.get("refreshToken").asBoolean(), status.toString());
            assertTrue(forge(env, "auth", "status", "--debug").ok().stdout().contains("(with a refresh token)"));

            // A second login without a code on stdin: exit 13 after the page's line, the first login stays.
            ForgeProcess.Result none = forge(env, "auth", "login", "dropbox", "--api", api, "--code-stdin")
                    .expect(13);
            assertEquals(2, none.stderr().strip().lines().count(), none.describe());
            assertTrue(none.stderr().contains("no code on stdin"), none.describe());
            assertEquals(
                    1,
                    json(forge(env, "auth", "status", "--json").ok())
                            .get("tokens")
                            .size());

            List<String> secrets =
                    new ArrayList<>(List.of(dropbox.currentRefreshToken(), dropbox.acceptedToken(), verifier));

            // A push after the access token expired renews it with the saved refresh token (no FORGE_DROPBOX_*
            // refresh variables set), and saves the new access token and the rotated refresh token.
            dropbox.rotateRefreshTokens();
            Path w = Files.createDirectories(tmp.resolve("w"));
            Files.writeString(w.resolve("a.txt"), "a\n");
            forge(env, "-C", "w", "init").ok();
            forge(env, "-C", "w", "add", ".").ok();
            forge(env, "-C", "w", "commit", "-m", "a").ok();
            forge(env, "-C", "w", "remote", "add", "origin", dropbox.url("film"))
                    .ok();
            dropbox.expireToken();
            forge(env, "-C", "w", "--debug", "push").ok();
            assertEquals(1, dropbox.refreshed().size(), dropbox.log()::toString);
            secrets.add(dropbox.currentRefreshToken());
            secrets.add(dropbox.acceptedToken());
            // The next command starts from the saved, rotated refresh token: the first no longer works.
            dropbox.expireToken();
            Files.writeString(w.resolve("b.txt"), "b\n");
            forge(env, "-C", "w", "add", ".").ok();
            forge(env, "-C", "w", "commit", "-m", "b").ok();
            forge(env, "-C", "w", "push").ok();
            assertEquals(2, dropbox.refreshed().size(), dropbox.log()::toString);
            secrets.add(dropbox.currentRefreshToken());
            secrets.add(dropbox.acceptedToken());
            assertTrue(json(forge(env, "auth", "status", "--json").ok())
                    .get("tokens")
                    .get(0)
                    .get("refreshToken")
                    .asBoolean());
            for (String secret : secrets) {
                assertNoFileHolds(tmp, secret);
                assertNoOutputHolds(secret);
            }
            // No prompt without a terminal, and no client id is a key error.
            ForgeProcess.Result pipe = forge(env, "auth", "login", "dropbox", "--api", api)
                    .expect(13)
                    .oneLineError();
            assertTrue(pipe.stderr().contains("--code-stdin"), pipe.describe());
            ForgeProcess.Result noApp = forge(env(), "auth", "login", "dropbox", "--code-stdin")
                    .expect(13)
                    .oneLineError();
            assertTrue(noApp.stderr().contains("FORGE_DROPBOX_CLIENT_ID"), noApp.describe());
            forge(env, "auth", "login", "dropbox", "--device").expect(2).oneLineError();
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static String perms(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
