package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Repository;
import dev.forge.storage.RocksLocalStoreFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adding, opening and removing remotes, and what happens to a URL with credentials stored by an older forge. */
class RemotesTest {
    static final String OLD = "s3://bucket/x?endpoint=http://AKIAOLD:SeCrEtOlD@127.0.0.1:9000&path-style=true";

    @TempDir
    Path tmp;

    @Test
    void aStoredUrlWithCredentialsIsNeverUsedAndSaysHowToReAddIt() {
        try (Repository repo = Repository.init(new RocksLocalStoreFactory(), tmp.resolve("w"), RepoConfig.defaults())) {
            // What an older forge stored: it accepted credentials in URLs.
            repo.begin("remote add old " + OLD).setRemote("old", OLD).commit();
            Remotes remotes = new Remotes(repo);
            var e = assertThrows(InvalidInputException.class, () -> remotes.open("old", 2));
            assertFalse(e.getMessage().contains("SeCrEt") || e.getMessage().contains("AKIAOLD"), e.getMessage());
            assertTrue(e.getMessage().contains("forge remote remove old"), e.getMessage());
            assertTrue(e.getMessage().contains("FORGE_S3_ACCESS_KEY_ID"), e.getMessage());
            var dup = assertThrows(InvalidInputException.class, () -> remotes.add("old", "/tmp/x", tmp));
            assertFalse(dup.getMessage().contains("SeCrEt"), dup.getMessage());
            remotes.remove("old");
            assertTrue(remotes.list().isEmpty());
            String clean = remotes.add("old", "s3://bucket/x?endpoint=http://127.0.0.1:9000&path-style=true", tmp);
            assertEquals(clean, remotes.list().get("old"));
        }
    }
}
