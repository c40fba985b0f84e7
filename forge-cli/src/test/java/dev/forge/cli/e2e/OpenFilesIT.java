package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.runWrapped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Repository;
import dev.forge.storage.RocksLocalStoreFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository with a few hundred commits, each made in its own session as the CLI makes them,
 * keeps a bounded number of pack and index files, and every command works through dist/forge under
 * {@code ulimit -n 256} (before the fix such a history left well over a thousand table files and
 * packs, each command kept them all open, and every command failed under a 1024 limit).
 *
 * <p>The history is written through forge-core and forge-storage in this JVM, one repository
 * opening per commit, because three hundred runs of dist/forge would take minutes; every assertion
 * runs dist/forge.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OpenFilesIT {
    static final int COMMITS = 240;
    static final List<String> LIMITED = List.of("bash", "-c", "ulimit -n 256 && exec \"$@\"", "bash");

    @TempDir
    static Path shared;

    static Path repo;

    @BeforeAll
    static void longHistory() throws IOException {
        ForgeProcess.forge();
        repo = Files.createDirectories(shared.resolve("repo"));
        RocksLocalStoreFactory stores = new RocksLocalStoreFactory();
        Repository.init(stores, repo, RepoConfig.defaults()).close();
        for (int i = 0; i < COMMITS; i++) {
            Files.writeString(repo.resolve("shot" + (i % 10) + ".txt"), "take " + i + "\n");
            try (Repository r = Repository.open(stores, repo)) {
                new Add(r).run(repo, List.of("."), ProgressListener.NONE);
                new CommitOp(r).run("take " + i, ForgeProcess.AUTHOR, false);
            }
        }
    }

    static long files(String sub, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve(".forge").resolve(sub))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    static ForgeProcess.Result limited(String... args) {
        return runWrapped(LIMITED, repo, args);
    }

    @Test
    void everyCommandWorksUnderALowOpenFileLimitAndGcCompacts() throws IOException {
        long packs = files("packs", ".pack");
        long tables = files("index", ".sst");
        assertTrue(packs <= 40, "small packs are merged as they pile up: " + packs);
        assertTrue(tables <= 100, "index files stay bounded: " + tables);

        assertTrue(limited("status").ok().stdout().contains("clean"));
        JsonNode log = E2eFiles.json(limited("log", "-n", "1000", "--json").ok());
        assertEquals(COMMITS, log.size());
        assertEquals(
                "take 0\n",
                limited("show", "HEAD~" + (COMMITS - 1) + ":shot0.txt").ok().stdout());
        Path old = shared.resolve("old");
        limited("checkout", "HEAD~120", "--into", old.toString()).ok();
        assertEquals("take 119\n", Files.readString(old.resolve("shot9.txt")));
        limited("fsck").ok();

        Files.writeString(repo.resolve("shot0.txt"), "one more\n");
        limited("add", ".").ok();
        limited("commit", "-m", "one more").ok();

        JsonNode gc = E2eFiles.json(limited("gc", "--json").ok());
        assertTrue(gc.path("packsAfter").asLong() <= 2, () -> "gc merges the small packs: " + gc);
        assertTrue(files("packs", ".pack") <= 2);
        assertTrue(files("index", ".sst") <= 8, () -> "gc compacts the index: " + gc);
        limited("fsck").ok();
        assertEquals(
                COMMITS + 1,
                E2eFiles.json(limited("log", "-n", "1000", "--json").ok()).size());
    }
}
