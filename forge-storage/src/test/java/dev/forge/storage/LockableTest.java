package dev.forge.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Lockable;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lockable patterns from {@code .forgeattributes} and {@code lock.lockable}. */
class LockableTest {
    @TempDir
    Path dir;

    @Test
    void patternsComeFromTheAttributesFileAndTheSetting() throws Exception {
        try (Repository repo = Repository.init(new RocksLocalStoreFactory(), dir, RepoConfig.defaults())) {
            assertFalse(Lockable.of(repo).any());
            assertFalse(Lockable.of(repo).matches("a.psd"));
            Files.writeString(
                    dir.resolve(".forgeattributes"),
                    "# binaries\n*.psd lockable\nlevels/**/*.umap  text lockable\nnotes.txt text\n\n");
            Lockable l = Lockable.of(repo);
            assertTrue(l.any());
            assertTrue(l.matches("a.psd"));
            assertTrue(l.matches("art/deep/hero.psd"));
            assertTrue(l.matches("levels/one/two/map.umap"));
            assertFalse(l.matches("map.umap"), "anchored at the root");
            assertFalse(l.matches("notes.txt"), "no lockable attribute");
            assertFalse(l.matches("a.ma"));
            new Settings(repo).set("lock.lockable", "*.ma, scenes/*.mb");
            Lockable both = Lockable.of(repo);
            assertTrue(both.matches("a.ma"));
            assertTrue(both.matches("scenes/x.mb"));
            assertFalse(both.matches("other/x.mb"));
            assertTrue(both.matches("a.psd"));
        }
    }
}
