package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.port.RepoConfig;
import dev.forge.storage.RocksLocalStoreFactory.ForgeDir;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a {@code .forge} folder is, and what init, open and the search for a repository do with it. */
class ForgeDirTest {
    @TempDir
    Path dir;

    private final RocksLocalStoreFactory factory = new RocksLocalStoreFactory();

    @Test
    void anEmptyOrIncompleteForgeIsReportedAndSetUpByInit() throws Exception {
        Path w = Files.createDirectories(dir.resolve("w/sub"));
        Files.createDirectories(dir.resolve("w/.forge/packs"));
        assertEquals(ForgeDir.EMPTY, RocksLocalStoreFactory.classify(dir.resolve("w")));
        assertEquals(dir.resolve("w"), factory.findWorkTree(w));
        var e = assertThrows(NotARepositoryException.class, () -> factory.open(dir.resolve("w")));
        assertTrue(e.getMessage().contains("empty or incomplete; run 'forge init'"), e.getMessage());
        factory.create(dir.resolve("w"), RepoConfig.defaults()).close();
        assertEquals(ForgeDir.REPOSITORY, RocksLocalStoreFactory.classify(dir.resolve("w")));
        factory.open(dir.resolve("w")).close();
        assertThrows(ForgeException.class, () -> factory.create(dir.resolve("w"), RepoConfig.defaults()));
    }

    @Test
    void aForgeWithFilesButNoConfigIsDamagedAndInitRefusesIt() throws Exception {
        Files.createDirectories(dir.resolve(".forge/index"));
        Files.writeString(dir.resolve(".forge/index/CURRENT"), "MANIFEST-000001\n");
        assertEquals(ForgeDir.DAMAGED, RocksLocalStoreFactory.classify(dir));
        assertThrows(IntegrityException.class, () -> factory.open(dir));
        var e = assertThrows(ForgeException.class, () -> factory.create(dir, RepoConfig.defaults()));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertTrue(Files.exists(dir.resolve(".forge/index/CURRENT")));
    }

    @Test
    void aRepositoryThatLostItsConfigIsDamagedWhateverElseItHolds() throws Exception {
        factory.create(dir, RepoConfig.defaults()).close();
        Files.createDirectories(dir.resolve(".forge/" + IndexRebuild.OLD_PREFIX + "20260101-000000-000"));
        Files.writeString(dir.resolve(".forge/journal"), "journal");
        Files.delete(dir.resolve(".forge/config"));
        assertEquals(ForgeDir.DAMAGED, RocksLocalStoreFactory.classify(dir));
        assertThrows(IntegrityException.class, () -> factory.open(dir));
        assertThrows(ForgeException.class, () -> factory.create(dir, RepoConfig.defaults()));
        assertEquals("journal", Files.readString(dir.resolve(".forge/journal")));
    }

    @Test
    void anotherProgramsForgeFolderIsPassedByAndNotOverwritten() throws Exception {
        Files.createDirectories(dir.resolve("home/.forge"));
        Files.writeString(dir.resolve("home/.forge/settings.json"), "{}");
        Path project = Files.createDirectories(dir.resolve("home/project"));
        assertEquals(ForgeDir.FOREIGN, RocksLocalStoreFactory.classify(dir.resolve("home")));
        assertEquals(null, factory.findWorkTree(project));
        assertThrows(ForgeException.class, () -> factory.create(dir.resolve("home"), RepoConfig.defaults()));
        assertEquals("{}", Files.readString(dir.resolve("home/.forge/settings.json")));
    }
}
