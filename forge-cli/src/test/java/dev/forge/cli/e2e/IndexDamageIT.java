package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the local index (.forge/index, RocksDB) through dist/forge: every command that meets it
 * exits 5 naming the damaged file and pointing at {@code forge repair --index}, never 1 or a stack
 * trace; fsck finds damage any command would miss; {@code forge repair --index} brings back every
 * branch, tag, HEAD, the remote and the staged change, and can be killed and run again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IndexDamageIT {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static Path base;
    static byte[] data;

    /** Built once: every test damages its own copy. */
    @BeforeAll
    static void repository() throws IOException {
        ForgeProcess.forge();
        base = Files.createDirectories(shared.resolve("base"));
        run(base, "init").ok();
        data = new byte[1 << 20];
        new Random(12).nextBytes(data);
        Files.write(base.resolve("data.bin"), data);
        Files.writeString(base.resolve("notes.txt"), "v1\n");
        run(base, "add", ".").ok();
        run(base, "commit", "-m", "one").ok();
        run(base, "branch", "feature").ok();
        run(base, "tag", "v1").ok();
        Files.writeString(base.resolve("notes.txt"), "v2\n");
        run(base, "add", ".").ok();
        run(base, "commit", "-m", "two").ok();
        run(base, "remote", "add", "origin", shared.resolve("remote").toString())
                .ok();
        Files.writeString(base.resolve("staged.txt"), "staged\n");
        run(base, "add", "staged.txt").ok();
    }

    /** A copy of the base repository to damage. */
    Path copy(String name) {
        Path p = tmp.resolve(name);
        E2eFiles.copyTree(base, p);
        return p;
    }

    static List<Path> indexFiles(Path repo, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve(".forge/index"))) {
            return s.filter(p -> p.getFileName().toString().matches(suffix))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /** Exit 5, one line, naming {@code file} and the repair command. */
    static void assertDamageNamed(ForgeProcess.Result r, String file) {
        r.expect(ExitCode.INTEGRITY.code()).oneLineError();
        assertTrue(r.stderr().contains(file), () -> "the error should name " + file + ": " + r.describe());
        assertTrue(r.stderr().contains("forge repair --index"), r::describe);
    }

    /**
     * fsck is clean, both commits, the data and the staged change are back; with {@code everything},
     * also the feature branch, the tag, the remote and the op log (each one more run of forge).
     */
    void assertRepaired(Path repo, boolean everything) {
        run(repo, "fsck").ok();
        JsonNode log = E2eFiles.json(run(repo, "log", "--json").ok());
        assertEquals(2, log.size(), () -> "two commits: " + log);
        assertArrayEquals(data, run(repo, "show", "HEAD:data.bin").ok().stdoutBytes());
        JsonNode status = E2eFiles.json(run(repo, "status", "--json").ok());
        assertTrue(status.toString().contains("staged.txt"), () -> "the staged change is back: " + status);
        if (!everything) return;
        String branches = run(repo, "branch").ok().stdout();
        assertTrue(branches.contains("* main") && branches.contains("feature"), branches);
        assertEquals("v1\n", run(repo, "show", "v1:notes.txt").ok().stdout());
        assertTrue(run(repo, "remote", "list").ok().stdout().contains("origin"));
        assertTrue(
                run(repo, "op", "log").ok().stdout().contains("commit"), "the op log is back, so undo keeps working");
    }

    @Test
    void aDeletedManifestExitsFiveAndRepairBringsEverythingBack() throws IOException {
        Path repo = copy("manifest");
        Path manifest = indexFiles(repo, "MANIFEST-.*").getFirst();
        Files.delete(manifest);
        for (String[] cmd : new String[][] {{"status"}, {"log"}, {"show", "HEAD:notes.txt"}, {"fsck"}, {"add", "."}}) {
            assertDamageNamed(run(repo, cmd), manifest.getFileName().toString());
        }
        ForgeProcess.Result repair = run(repo, "repair", "--index").ok();
        assertTrue(repair.stdout().contains("from the journal"), repair::describe);
        assertRepaired(repo, true);
    }

    @Test
    void aGarbageCurrentFileExitsFiveAndIsRepaired() {
        Path repo = copy("current");
        try {
            Files.writeString(repo.resolve(".forge/index/CURRENT"), "garbage\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertDamageNamed(run(repo, "status"), "CURRENT");
        assertDamageNamed(run(repo, "log"), "CURRENT");
        run(repo, "repair", "--index").ok();
        assertRepaired(repo, false);
    }

    /**
     * A byte flipped in a table file: a command that reads the damaged block exits 5 naming the file,
     * one that does not may succeed, fsck always finds it, and repair fixes it.
     */
    @Test
    void aFlippedByteInATableFileIsFoundAndRepaired() throws IOException {
        List<Path> tables = indexFiles(base, "[0-9]+\\.sst");
        assertTrue(tables.size() >= 2, () -> "table files: " + tables);
        // the largest two (objects and another family): two kinds of block, not a run per file
        List<Path> pick = new ArrayList<>(tables);
        pick.sort(Comparator.comparingLong((Path p) -> p.toFile().length()).reversed());
        for (Path table : pick.subList(0, 2)) {
            String name = table.getFileName().toString();
            Path repo = copy("sst-" + name);
            Path damaged = repo.resolve(".forge/index").resolve(name);
            IntegrityIT.flipByte(damaged, Files.size(damaged) / 3);
            for (String[] cmd : new String[][] {{"status"}, {"log"}, {"show", "HEAD:notes.txt"}}) {
                ForgeProcess.Result r = run(repo, cmd);
                if (r.exitCode() != 0) assertDamageNamed(r, name);
            }
            ForgeProcess.Result fsck = run(repo, "fsck").expect(ExitCode.INTEGRITY.code());
            assertTrue(fsck.stderr().contains(name) || fsck.stdout().contains(name), fsck::describe);
            run(repo, "repair", "--index").ok();
            assertRepaired(repo, false);
        }
    }

    /** Killed at several points, repair leaves a repository a second repair fixes; nothing is lost. */
    @Test
    void aKilledRepairCanBeRunAgain() throws Exception {
        Path repo = copy("killed");
        Files.delete(indexFiles(repo, "MANIFEST-.*").getFirst());
        for (int delayMs : new int[] {400, 1200}) {
            ForgeProcess.Started s = ForgeProcess.start(repo, List.of("repair", "--index"));
            try {
                Thread.sleep(delayMs);
                ForgeProcess.killTree(s.process());
            } finally {
                s.cleanup();
            }
        }
        run(repo, "repair", "--index").ok();
        assertRepaired(repo, false);
        try (Stream<Path> s = Files.list(repo.resolve(".forge"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().equals("index.rebuild")), "no half-built index");
        }
    }

    @Test
    void repairWithoutWhatToRepairIsAUsageError() {
        ForgeProcess.Result r =
                run(base, "repair").expect(ExitCode.USAGE.code()).oneLineError();
        assertTrue(r.stderr().contains("--index"), r::describe);
        assertEquals("", new String(r.stdoutBytes(), StandardCharsets.UTF_8));
    }
}
