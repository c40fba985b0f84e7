package dev.forge.mirror.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.KeyException;
import dev.forge.mirror.age.X25519Identity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
    private static final String TOKEN = "ghp_TESTtoken0123456789abcdefABCDEF";
    private static final URI GHE = URI.create("https://ghe.example/api/v3");

    @TempDir
    Path home;

    private TokenStore store(Map<String, String> env) {
        return new TokenStore(env, home.resolve("config/forge"));
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void configFolderFollowsXdg() {
        assertEquals(Path.of("/x/forge"), TokenStore.configDir(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/forge"), TokenStore.configDir(Map.of("XDG_CONFIG_HOME", "rel", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/forge"), TokenStore.configDir(Map.of("HOME", "/h")));
    }

    @Test
    void savedTokenIsEncryptedPrivateAndPerHost() throws Exception {
        TokenStore s = store(Map.of());
        assertEquals(Optional.empty(), s.lookup("github", null));
        s.save(Provider.GITHUB, GHE, TOKEN, false);
        Path dir = s.dir();
        assertEquals("rwx------", perms(dir));
        assertEquals("rw-------", perms(dir.resolve(TokenStore.IDENTITY)));
        assertEquals("rw-------", perms(dir.resolve(TokenStore.TOKENS_AGE)));
        byte[] file = Files.readAllBytes(dir.resolve(TokenStore.TOKENS_AGE));
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains(TOKEN));
        assertFalse(Files.exists(dir.resolve(TokenStore.TOKENS_PLAIN)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of("identity.txt", "tokens.age", "tokens.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        // Sent only to the host it was saved for; the same host however the URL is spelled.
        assertEquals(Optional.of(TOKEN), s.lookup("github", GHE));
        assertEquals(Optional.of(TOKEN), s.lookup("github", URI.create("HTTPS://GHE.example:443/api/v3/")));
        assertEquals(Optional.empty(), s.lookup("github", null));
        assertEquals(Optional.empty(), s.lookup("github", URI.create("https://ghe.example/api/v4")));
        assertEquals(Optional.empty(), s.lookup("github", URI.create("https://other.example/api/v3")));
        assertEquals(Optional.empty(), s.lookup("gdrive", GHE));

        var found = s.find(Provider.GITHUB, GHE).orElseThrow();
        assertEquals(TokenSource.ENCRYPTED_FILE, found.source());
        assertFalse(found.toString().contains(TOKEN));

        s.save(Provider.GITHUB, null, "second-token", false);
        assertEquals(Optional.of("second-token"), s.lookup("github", URI.create("https://api.github.com")));
        assertEquals(Optional.of(TOKEN), s.lookup("github", GHE));
        assertEquals(2, s.list().size());

        assertTrue(s.remove(Provider.GITHUB, GHE));
        assertFalse(s.remove(Provider.GITHUB, GHE));
        assertEquals(Optional.empty(), s.lookup("github", GHE));
        assertEquals(Optional.of("second-token"), s.lookup("github", null));
    }

    @Test
    void theTokenFileOpensWithTheAgeCommand() throws Exception {
        TokenStore s = store(Map.of());
        s.save(Provider.GITHUB, GHE, TOKEN, false);
        Process p = new ProcessBuilder(
                        "/usr/bin/age",
                        "-d",
                        "-i",
                        s.dir().resolve(TokenStore.IDENTITY).toString(),
                        s.dir().resolve(TokenStore.TOKENS_AGE).toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("\"format\" : \"forge-tokens/2\""), out);
        assertTrue(out.contains("\"api\" : \"https://ghe.example/api/v3\""), out);
        assertTrue(out.contains("\"token\" : \"" + TOKEN + "\""), out);
    }

    @Test
    void environmentComesFirstAndGithubTokenOnlyForGithubCom() {
        TokenStore s = store(Map.of());
        s.save(Provider.GITHUB, null, "stored", false);
        s.save(Provider.GITHUB, GHE, "stored-ghe", false);
        TokenStore ci = store(Map.of("GITHUB_TOKEN", "from-ci"));
        assertEquals(Optional.of("from-ci"), ci.lookup("github", null));
        assertEquals(Optional.of("stored-ghe"), ci.lookup("github", GHE));
        assertEquals(
                Optional.empty(),
                store(Map.of("GITHUB_TOKEN", "from-ci")).lookup("github", URI.create("http://127.0.0.1:1")));
        TokenStore forge = store(Map.of("FORGE_GITHUB_TOKEN", "mine", "GITHUB_TOKEN", "from-ci"));
        assertEquals(Optional.of("mine"), forge.lookup("github", null));
        assertEquals(Optional.of("mine"), forge.lookup("github", GHE));
        var f = forge.find(Provider.GITHUB, GHE).orElseThrow();
        assertEquals(TokenSource.ENVIRONMENT, f.source());
        assertEquals("FORGE_GITHUB_TOKEN", f.where());
        assertEquals(Optional.of("d"), store(Map.of("FORGE_DROPBOX_TOKEN", "d")).lookup("dropbox", null));
    }

    @Test
    void missingOrWrongKeyIsAKeyError() throws Exception {
        TokenStore s = store(Map.of());
        s.save(Provider.GITHUB, null, TOKEN, false);
        Path id = s.dir().resolve(TokenStore.IDENTITY);
        String original = Files.readString(id);
        Files.writeString(id, X25519Identity.generate().encode() + "\n");
        var wrong = assertThrows(KeyException.class, () -> s.lookup("github", null));
        assertTrue(wrong.getMessage().contains("tokens.age"), wrong.getMessage());
        Files.delete(id);
        var missing = assertThrows(KeyException.class, () -> s.lookup("github", null));
        assertTrue(missing.getMessage().contains("identity.txt does not exist"), missing.getMessage());
        assertThrows(KeyException.class, () -> s.save(Provider.GITHUB, GHE, "x", false));
        Files.writeString(id, original);
        assertEquals(Optional.of(TOKEN), s.lookup("github", null));

        byte[] file = Files.readAllBytes(s.dir().resolve(TokenStore.TOKENS_AGE));
        file[file.length - 5] ^= 1;
        Files.write(s.dir().resolve(TokenStore.TOKENS_AGE), file);
        var e = assertThrows(IntegrityException.class, () -> s.lookup("github", null));
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @Test
    void passphraseFromTheEnvironment() throws Exception {
        TokenStore s = store(Map.of("FORGE_PASSPHRASE", "long enough passphrase"));
        s.save(Provider.DROPBOX, null, TOKEN, false);
        assertFalse(Files.exists(s.dir().resolve(TokenStore.IDENTITY)));
        assertEquals(Optional.of(TOKEN), s.lookup("dropbox", null));
        var none = assertThrows(KeyException.class, () -> store(Map.of()).lookup("dropbox", null));
        assertTrue(none.getMessage().contains("set FORGE_PASSPHRASE"), none.getMessage());
        var wrong = assertThrows(
                KeyException.class,
                () -> store(Map.of("FORGE_PASSPHRASE", "other")).lookup("dropbox", null));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
    }

    @Test
    void plainTextOnlyWhenAskedAndOnePlacePerToken() throws Exception {
        TokenStore s = store(Map.of());
        Path plain = s.save(Provider.GITHUB, null, TOKEN, true);
        assertEquals(s.dir().resolve(TokenStore.TOKENS_PLAIN), plain);
        assertEquals("rw-------", perms(plain));
        assertTrue(Files.readString(plain).contains(TOKEN));
        assertEquals(
                TokenSource.PLAIN_FILE,
                s.find(Provider.GITHUB, null).orElseThrow().source());
        s.save(Provider.GITHUB, null, TOKEN, false);
        assertFalse(Files.exists(plain));
        assertEquals(
                TokenSource.ENCRYPTED_FILE,
                s.find(Provider.GITHUB, null).orElseThrow().source());
    }

    @Test
    void aVersionOneFileStillReads() throws Exception {
        TokenStore s = store(Map.of());
        Files.createDirectories(s.dir());
        Files.writeString(
                s.dir().resolve(TokenStore.TOKENS_PLAIN),
                "{\"format\":\"forge-tokens/1\",\"tokens\":[{\"provider\":\"dropbox\","
                        + "\"api\":\"https://api.dropboxapi.com\",\"token\":\"sl.old\"}]}");
        FoundToken f = s.find(Provider.DROPBOX, null).orElseThrow();
        assertEquals("sl.old", f.token());
        assertFalse(f.refreshable());
        assertEquals(Optional.empty(), s.refreshGrant(Provider.DROPBOX, null));
        Files.writeString(s.dir().resolve(TokenStore.TOKENS_PLAIN), "{\"format\":\"forge-tokens/9\",\"tokens\":[]}");
        assertThrows(IntegrityException.class, () -> s.find(Provider.DROPBOX, null));
    }

    @Test
    void aRefreshGrantIsKeptAndARotatedRefreshTokenReplacesIt() throws Exception {
        TokenStore s = store(Map.of());
        URI endpoint = URI.create("https://api.dropboxapi.com/oauth2/token");
        s.save(
                Provider.DROPBOX,
                null,
                "sl.access-1",
                new RefreshGrant("rt-SECRET-1", "app-key", null, endpoint),
                false);
        s.save(Provider.GDRIVE, null, "ya29.a", new RefreshGrant("g-rt", "gid", "g-SECRET", endpoint), true);
        FoundToken f = s.find(Provider.DROPBOX, null).orElseThrow();
        assertTrue(f.refreshable());
        assertFalse(f.toString().contains("sl.access"), f.toString());
        RefreshGrant g = s.refreshGrant(Provider.DROPBOX, null).orElseThrow();
        assertEquals(new RefreshGrant("rt-SECRET-1", "app-key", null, endpoint), g);
        assertFalse(g.toString().contains("rt-SECRET"), g.toString());
        assertEquals(
                "g-SECRET", s.refreshGrant(Provider.GDRIVE, null).orElseThrow().clientSecret());
        assertFalse(
                s.refreshGrant(Provider.GDRIVE, null).orElseThrow().toString().contains("SECRET"));
        byte[] age = Files.readAllBytes(s.dir().resolve(TokenStore.TOKENS_AGE));
        assertFalse(new String(age, StandardCharsets.ISO_8859_1).contains("rt-SECRET"));

        // A refresh without rotation keeps the refresh token and saves the access token.
        s.refreshed(Provider.DROPBOX, null, "rt-SECRET-1", "sl.access-2", null);
        assertEquals("sl.access-2", s.lookup("dropbox", null).orElseThrow());
        assertEquals(
                "rt-SECRET-1",
                s.refreshGrant(Provider.DROPBOX, null).orElseThrow().refreshToken());
        // Rotation: the new refresh token replaces the old, client and endpoint stay.
        s.refreshed(Provider.DROPBOX, null, "rt-SECRET-1", "sl.access-3", "rt-SECRET-2");
        assertEquals(
                new RefreshGrant("rt-SECRET-2", "app-key", null, endpoint),
                s.refreshGrant(Provider.DROPBOX, null).orElseThrow());
        assertEquals("sl.access-3", s.lookup("dropbox", null).orElseThrow());
        // A refresh that used a refresh token no longer stored (another login meanwhile) changes nothing.
        s.refreshed(Provider.DROPBOX, null, "rt-SECRET-1", "sl.stale", "rt-stale");
        assertEquals("sl.access-3", s.lookup("dropbox", null).orElseThrow());
        // The plain-text entry is updated in its own file.
        s.refreshed(Provider.GDRIVE, null, "g-rt", "ya29.b", "g-rt-2");
        assertTrue(Files.readString(s.dir().resolve(TokenStore.TOKENS_PLAIN)).contains("g-rt-2"));
        assertEquals("ya29.b", s.lookup("google", null).orElseThrow());
        // A login with a bare token drops the refresh grant.
        s.save(Provider.DROPBOX, null, "sl.pasted", false);
        assertEquals(Optional.empty(), s.refreshGrant(Provider.DROPBOX, null));
        // With the access token in the environment the stored refresh token is not used, nor the file read.
        s.save(Provider.DROPBOX, null, "sl.access", new RefreshGrant("rt", "app-key", null, endpoint), false);
        Files.delete(s.dir().resolve(TokenStore.IDENTITY));
        TokenStore withEnv = new TokenStore(Map.of("FORGE_DROPBOX_TOKEN", "sl.env"), s.dir());
        assertEquals(Optional.empty(), withEnv.refreshGrant(Provider.DROPBOX, null));
        assertThrows(KeyException.class, () -> s.refreshGrant(Provider.DROPBOX, null));
    }

    @Test
    void supplierForABackend() {
        TokenStore s = store(Map.of());
        var github = s.supplier(Provider.GITHUB, GHE);
        var e = assertThrows(KeyException.class, github::get);
        assertEquals(
                "no github token for https://ghe.example/api/v3: run 'forge auth login github --api"
                        + " https://ghe.example/api/v3 --with-token' (or set FORGE_GITHUB_TOKEN)",
                e.getMessage());
        s.save(Provider.GITHUB, GHE, TOKEN, false);
        assertEquals(TOKEN, github.get());
    }

    @Test
    void threadsSavingAtOnceAllLand() throws Exception {
        TokenStore s = store(Map.of());
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            URI api = URI.create("https://host" + i + ".example/api/v3");
            threads.add(Thread.ofPlatform().start(() -> s.save(Provider.GITHUB, api, "t" + api.getHost(), false)));
        }
        for (Thread t : threads) t.join();
        for (int i = 0; i < 6; i++)
            assertEquals(
                    Optional.of("thost" + i + ".example"),
                    s.lookup("github", URI.create("https://host" + i + ".example/api/v3")));
    }

    @Test
    void tokensWithSpacesOrNewlinesAreRefused() {
        TokenStore s = store(Map.of());
        var e = assertThrows(
                dev.forge.core.error.InvalidInputException.class,
                () -> s.save(Provider.GITHUB, null, "two words", false));
        assertFalse(e.getMessage().contains("two words"));
    }
}
