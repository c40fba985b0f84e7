package dev.forge.mirror.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token store's lookup order with a real keyring: environment, then keyring, then the token files. */
class TokenStoreKeyringTest {
    @TempDir
    Path tmp;

    private SecretService service;

    @BeforeEach
    void start() throws Exception {
        service = SecretService.start(tmp);
    }

    @AfterEach
    void stop() {
        if (service != null) service.close();
    }

    private static boolean anyFileHolds(Path dir, String secret) throws Exception {
        if (!Files.exists(dir)) return false;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList())
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret)) return true;
        }
        return false;
    }

    @Test
    void aLoginGoesToTheKeyringAndIsFoundThereBeforeTheFilesAndAfterTheEnvironment() throws Exception {
        Path config = tmp.resolve("config");
        Map<String, String> env = service.env();
        TokenStore store = new TokenStore(env, config);
        URI ghe = URI.create("https://ghe.example/api/v3");
        // An older login left a token in the encrypted file; the new one goes to the keyring and replaces it.
        store.save(Provider.GITHUB, ghe, "old_file_token", false);
        TokenStore.Saved saved = store.store(Provider.GITHUB, ghe, "keyring_token_1", false);
        assertEquals(TokenSource.KEYRING, saved.source());
        FoundToken found = store.find(Provider.GITHUB, ghe).orElseThrow();
        assertEquals(TokenSource.KEYRING, found.source());
        assertEquals("keyring_token_1", found.token());
        assertFalse(anyFileHolds(config, "keyring_token_1"), "a keyring token is in no file");
        assertFalse(store.list().stream().anyMatch(f -> f.token().equals("old_file_token")), "the file copy is gone");
        assertTrue(store.list().stream()
                .anyMatch(f -> f.source() == TokenSource.KEYRING && f.api().equals(ghe)));

        // The environment still wins, for the host it applies to.
        env.put("FORGE_GITHUB_TOKEN", "env_token");
        assertEquals(
                "env_token",
                new TokenStore(env, config)
                        .find(Provider.GITHUB, ghe)
                        .orElseThrow()
                        .token());
        env.remove("FORGE_GITHUB_TOKEN");

        // --insecure-storage means the plain file, whatever keyring there is; FORGE_KEYRING=off skips it.
        Map<String, String> off = service.env();
        off.put("FORGE_KEYRING", "off");
        TokenStore noKeyring = new TokenStore(off, config);
        assertEquals(
                TokenSource.ENCRYPTED_FILE,
                noKeyring.store(Provider.DROPBOX, null, "dbx_file", false).source());
        assertTrue(new TokenStore(env, config).find(Provider.DROPBOX, null).isPresent());

        // Logout removes it from the keyring.
        assertTrue(store.remove(Provider.GITHUB, ghe));
        assertTrue(store.find(Provider.GITHUB, ghe).isEmpty());
        assertFalse(store.remove(Provider.GITHUB, ghe));
    }
}
