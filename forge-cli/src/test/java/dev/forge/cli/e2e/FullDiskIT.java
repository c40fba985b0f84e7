package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on a file system filled to the last byte, through dist/forge: reading commands work,
 * a writing command fails with one line saying there is no space, and gc frees what nothing needs
 * (it starts thanks to .forge/reserve), after which the repository takes new work again.
 *
 * <p>The file system is a 64 MiB tmpfs mounted for the test; mounting needs root (or CAP_SYS_ADMIN),
 * and the test is skipped, saying so, where the mount is refused.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FullDiskIT {
    @TempDir
    static Path shared;

    static Path mount;
    static boolean mounted;

    @BeforeAll
    static void smallFileSystem() throws Exception {
        ForgeProcess.forge();
        mount = Files.createDirectories(shared.resolve("fs"));
        String out = exec("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString());
        mounted = out == null;
        Assumptions.assumeTrue(
                mounted,
                () -> "cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN): " + out
                        + "; the full-disk test is skipped");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mounted) {
            String out = exec("umount", mount.toString());
            if (out != null) exec("umount", "-l", mount.toString());
        }
    }

    /** Runs a command; null when it succeeded, else its output (or why it could not start). */
    static String exec(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out.strip();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** Writes zeros into {@code file} until the file system refuses another byte. */
    static void fill(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int block : new int[] {1 << 20, 4096, 1}) {
                byte[] b = new byte[block];
                try {
                    while (true) {
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException full) {
                    // next, smaller blocks
                }
            }
        } catch (IOException closeFailed) {
            // the last buffered bytes did not fit either
        }
    }

    @Test
    void readsWorkWritesSaySoAndGcFreesSpaceOnAFullDisk() throws IOException {
        Path repo = Files.createDirectories(mount.resolve("repo"));
        run(repo, "init").ok();
        run(repo, "config", "gc.graceDays", "0").ok();
        byte[] keep = new byte[1 << 20];
        new Random(1).nextBytes(keep);
        Files.write(repo.resolve("keep.bin"), keep);
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "keep").ok();
        // 12 MB that only a deleted branch reaches: garbage for gc
        run(repo, "switch", "-c", "scratch").ok();
        Random r = new Random(2);
        for (int i = 0; i < 2; i++) {
            byte[] junk = new byte[6 << 20];
            r.nextBytes(junk);
            Files.write(repo.resolve("junk" + i + ".bin"), junk);
        }
        run(repo, "add", ".").ok();
        run(repo, "commit", "-m", "scratch").ok();
        run(repo, "switch", "main").ok();
        run(repo, "branch", "-d", "scratch").ok();
        assertTrue(Files.exists(repo.resolve(".forge/reserve")), "init left the space reserve");

        fill(mount.resolve("fill"));
        assertTrue(
                Files.getFileStore(mount).getUsableSpace() < 64 << 10,
                "the file system is full: " + Files.getFileStore(mount).getUsableSpace());

        assertTrue(run(repo, "status").ok().stdout().contains("clean"));
        assertEquals(1, E2eFiles.json(run(repo, "log", "--json").ok()).size());
        assertArrayEquals(keep, run(repo, "show", "HEAD:keep.bin").ok().stdoutBytes());
        run(repo, "fsck").ok();

        Files.writeString(repo.resolve("new.txt"), ""); // an empty file still fits
        ForgeProcess.Result add = run(repo, "add", "new.txt").expect(1).oneLineError();
        assertTrue(add.stderr().contains("no space left"), add::describe);

        JsonNode gc = E2eFiles.json(run(repo, "gc", "--json").ok());
        assertTrue(gc.path("bytesFreed").asLong() > 10 << 20, () -> "gc freed the scratch branch: " + gc);
        assertTrue(Files.getFileStore(mount).getUsableSpace() > 10 << 20, "the space is free again");

        run(repo, "add", "new.txt").ok();
        run(repo, "commit", "-m", "after gc").ok();
        run(repo, "fsck").ok();
        assertArrayEquals(keep, run(repo, "show", "HEAD:keep.bin").ok().stdoutBytes());
    }
}
