package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forge.core.port.RepoConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityTest {
    private static final RepoConfig NONE = RepoConfig.defaults();
    private static final RepoConfig BOTH = NONE.withUserName("Ana Lima").withUserEmail("ana@studio.example");

    @Test
    void forgeAuthorWinsOverTheSettings() {
        assertEquals(
                "Render Bot <bot@farm>",
                Identity.author(Map.of("FORGE_AUTHOR", "  Render Bot <bot@farm> "), BOTH, "ana"));
    }

    @Test
    void theSettingsComeNext() {
        assertEquals("Ana Lima <ana@studio.example>", Identity.author(Map.of("HOSTNAME", "ws1"), BOTH, "ana"));
        assertEquals(
                "Ana Lima <ana@studio.example>",
                Identity.author(Map.of("FORGE_AUTHOR", " "), BOTH, "ana"),
                "a blank FORGE_AUTHOR is not set");
    }

    @Test
    void eachMissingSettingFallsBackOnTheLogin() {
        assertEquals(
                "Ana Lima <ana@ws1>", Identity.author(Map.of("HOSTNAME", "ws1"), NONE.withUserName("Ana Lima"), "ana"));
        assertEquals("ana <a@b.c>", Identity.author(Map.of(), NONE.withUserEmail("a@b.c"), "ana"));
    }

    @Test
    void withNothingSetItIsTheLoginAtTheHost() {
        assertEquals("ana <ana@ws1>", Identity.author(Map.of("HOSTNAME", "ws1"), NONE, "ana"));
        assertEquals("ana <ana@localhost>", Identity.author(Map.of(), NONE, "ana"));
    }
}
