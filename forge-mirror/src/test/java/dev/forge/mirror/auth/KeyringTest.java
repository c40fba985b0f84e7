package dev.forge.mirror.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Secret Service keyring through secret-tool, against a real GNOME Keyring on a private D-Bus
 * session bus started here (Debian packages dbus, gnome-keyring, libsecret-tools; skipped without
 * them).
 */
class KeyringTest {
    @TempDir
    Path tmp;

    private SecretService service;
    private Map<String, String> env;

    @BeforeEach
    void startKeyring() throws Exception {
        service = SecretService.start(tmp);
        env = service.env();
    }

    @AfterEach
    void stop() {
        if (service != null) service.close();
    }

    @Test
    void storesLooksUpListsAndClearsTokensWithoutPuttingThemInArguments() {
        Keyring k = Keyring.of(env).orElseThrow();
        assertTrue(k.store("github", "https://api.github.com", "ghp_secret_1"));
        assertTrue(k.store("github", "https://ghe.example/api/v3", "ghp_secret_2"));
        assertEquals(
                "ghp_secret_1", k.lookup("github", "https://api.github.com").orElseThrow());
        assertEquals(
                "ghp_secret_2", k.lookup("github", "https://ghe.example/api/v3").orElseThrow());
        assertTrue(k.lookup("dropbox", "https://api.dropboxapi.com").isEmpty());
        // Replacing keeps one item.
        assertTrue(k.store("github", "https://api.github.com", "ghp_secret_3"));
        List<Keyring.Item> items = k.list();
        assertEquals(2, items.size(), items.toString());
        assertTrue(items.contains(new Keyring.Item("github", "https://api.github.com", "ghp_secret_3")));
        assertFalse(items.toString().contains("secret"), "an item's text never shows its token");
        assertTrue(k.clear("github", "https://api.github.com"));
        assertFalse(k.clear("github", "https://api.github.com"));
        assertTrue(k.lookup("github", "https://api.github.com").isEmpty());
    }

    @Test
    void noSessionBusOrTurnedOffMeansNoKeyring() {
        Map<String, String> none = new HashMap<>(env);
        none.remove("DBUS_SESSION_BUS_ADDRESS");
        assertTrue(Keyring.of(none).isEmpty());
        Map<String, String> off = new HashMap<>(env);
        off.put("FORGE_KEYRING", "off");
        assertTrue(Keyring.of(off).isEmpty());
        Map<String, String> noTool = new HashMap<>(env);
        noTool.put("PATH", tmp.toString());
        assertTrue(Keyring.of(noTool).isEmpty());
    }

    @Test
    void aBusWithNoSecretServiceAnswersNothingAndStoresNothing() {
        Map<String, String> dead = new HashMap<>(env);
        dead.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + tmp.resolve("no-such-socket"));
        Keyring k = Keyring.of(dead).orElseThrow();
        assertFalse(k.store("github", "https://api.github.com", "ghp_x"));
        assertTrue(k.lookup("github", "https://api.github.com").isEmpty());
        assertEquals(List.of(), k.list());
    }
}
