package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.run;
import static dev.forge.cli.e2e.ForgeProcess.runWrapped;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on a read-only file system, through dist/forge: reading commands (status, log, show,
 * diff, fsck, branch, stats, op log, checkout --into elsewhere) work and print what they would on a
 * writable one; writing commands fail with one line naming the folder and why, exit 1; nothing under
 * .forge changes.
 *
 * <p>The file system is made read-only for each forge process alone: it runs in its own user and
 * mount namespace ({@code unshare -rm}) where the repository is bind-mounted read-only, so the test
 * needs no privileges and leaves no mount behind. Where namespaces are not available, a non-root user
 * gets {@code chmod -R a-w} instead (root ignores permissions, so as root the test is skipped).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadOnlyIT {
    private static final String BIND_READ_ONLY =
            "mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\" && shift && exec \"$@\"";

    @TempDir
    static Path shared;

    static Path repo;
    static byte[] data;
    static List<String> readOnly;
    static boolean chmodded;
    static SortedMap<String, String> forgeBefore;

    @BeforeAll
    static void repository() throws Exception {
        ForgeProcess.forge();
        repo = Files.createDirectories(shared.resolve("repo"));
        run(repo, "init").ok();
        data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        Files.write(repo.resolve("data.bin"), data);
        Files.writeString(repo.resolve("notes.txt"), "v1\n");
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "one").ok();
        run(repo, "branch", "feature").ok();
        Files.writeString(repo.resolve("notes.txt"), "v2\n");
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "two").ok();
        Files.writeString(repo.resolve("notes.txt"), "v3, not added\n");
        readOnly = readOnlyWrapper();
        forgeBefore = forgeFiles();
    }

    /** How to run forge with the repository read-only; aborts the class where there is no way. */
    static List<String> readOnlyWrapper() throws Exception {
        List<String> unshare = List.of("unshare", "-rm", "sh", "-c", BIND_READ_ONLY, "sh", repo.toString());
        List<String> probe = new ArrayList<>(unshare);
        probe.addAll(List.of("touch", repo.resolve("probe").toString()));
        Process p;
        try {
            p = new ProcessBuilder(probe)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            p = null; // no unshare
        }
        if (p != null) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            if (out.contains("Read-only file system") && !Files.exists(repo.resolve("probe"))) return unshare;
        }
        Assumptions.assumeFalse(
                "root".equals(System.getProperty("user.name")),
                "no read-only bind mount in a private namespace (unshare -rm) here, and as root chmod does not"
                        + " make files read-only");
        chmodAll(false);
        chmodded = true;
        return List.of();
    }

    static void chmodAll(boolean writable) throws IOException {
        try (Stream<Path> s = Files.walk(repo)) {
            for (Path p : s.toList()) p.toFile().setWritable(writable, false);
        }
    }

    @AfterAll
    static void writableAgain() throws IOException {
        if (chmodded) chmodAll(true);
    }

    /** Every file under .forge with its size and modification time. */
    static SortedMap<String, String> forgeFiles() throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(repo.resolve(".forge"))) {
            for (Path p : s.filter(Files::isRegularFile).toList())
                out.put(repo.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p));
        }
        return out;
    }

    static ForgeProcess.Result ro(String... args) {
        return runWrapped(readOnly, repo, args);
    }

    @Test
    void readingCommandsWork() throws IOException {
        JsonNode status = E2eFiles.json(ro("status", "--json").ok());
        assertTrue(status.toString().contains("notes.txt"), () -> "the modified file is reported: " + status);
        assertEquals(2, E2eFiles.json(ro("log", "--json").ok()).size());
        assertArrayEquals(data, ro("show", "HEAD:data.bin").ok().stdoutBytes());
        assertEquals("v1\n", ro("show", "HEAD~1:notes.txt").ok().stdout());
        assertTrue(ro("diff").ok().stdout().contains("notes.txt"));
        assertTrue(ro("fsck").ok().stdout().startsWith("ok"));
        assertTrue(ro("branch").ok().stdout().contains("feature"));
        ro("stats").ok();
        assertTrue(ro("op", "log").ok().stdout().contains("commit"));
        Path out = shared.resolve("out");
        ro("checkout", "HEAD~1", "--into", out.toString()).ok();
        assertArrayEquals(data, Files.readAllBytes(out.resolve("data.bin")));
        assertEquals("v1\n", Files.readString(out.resolve("notes.txt")));
        assertEquals(forgeBefore, forgeFiles(), "reading commands wrote nothing under .forge");
    }

    @Test
    void writingCommandsFailWithOneLineNamingTheFolder() throws IOException {
        for (String[] cmd : new String[][] {
            {"add", "."}, {"commit", "-m", "x", "--allow-empty"}, {"branch", "x"}, {"tag", "t"}, {"gc"}
        }) {
            ForgeProcess.Result r = ro(cmd).expect(1).oneLineError();
            assertTrue(r.stderr().contains(repo.resolve(".forge").toString()), r::describe);
            assertTrue(
                    r.stderr().contains(chmodded ? "not writable" : "read-only file system"),
                    () -> "the error says why: " + r.describe());
        }
        assertEquals(forgeBefore, forgeFiles(), "nothing under .forge changed");
    }
}
