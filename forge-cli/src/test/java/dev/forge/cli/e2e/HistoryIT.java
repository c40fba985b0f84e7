package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Branches, merges with a binary conflict, undo and gc with a concurrent writer, through dist/forge. */
class HistoryIT {
    @TempDir
    Path dir;

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private ForgeProcess.Result forge(String... args) {
        return ForgeProcess.run(dir, args);
    }

    @Test
    void binaryConflictIsResolvedAndRecordedAsAMergeCommit() throws Exception {
        forge("init").ok();
        Files.write(dir.resolve("level.umap"), random(1, 400_000));
        Files.writeString(dir.resolve("notes.txt"), "a\nb\nc\n");
        forge("add", ".").ok();
        forge("commit", "-m", "base").ok();
        forge("switch", "-c", "art").ok();
        Files.write(dir.resolve("level.umap"), random(2, 400_000));
        Files.writeString(dir.resolve("notes.txt"), "a\nb\nc-art\n");
        forge("add", ".").ok();
        forge("commit", "-m", "art pass").ok();
        forge("switch", "main").ok();
        Files.write(dir.resolve("level.umap"), random(3, 400_000));
        Files.writeString(dir.resolve("notes.txt"), "a-main\nb\nc\n");
        forge("add", ".").ok();
        forge("commit", "-m", "design pass").ok();

        ForgeProcess.Result merge = forge("merge", "art", "--json").expect(7);
        JsonNode m = E2eFiles.json(merge);
        assertEquals("conflicts", m.get("outcome").asText());
        assertEquals("level.umap", m.get("conflicts").get(0).asText());
        assertEquals("a-main\nb\nc-art\n", Files.readString(dir.resolve("notes.txt")), "text merged line by line");
        assertArrayEquals(random(3, 400_000), Files.readAllBytes(dir.resolve("level.umap")), "work tree keeps ours");
        JsonNode status = E2eFiles.json(forge("status", "--json").ok());
        assertEquals("level.umap", status.get("merge").get("conflicts").get(0).asText());
        assertArrayEquals(
                random(2, 400_000), forge("show", ":theirs:level.umap").ok().stdoutBytes());
        assertArrayEquals(
                random(1, 400_000), forge("show", ":base:level.umap").ok().stdoutBytes());
        forge("commit", "-m", "too early").expect(7).oneLineError();
        forge("resolve", "level.umap", "--theirs").ok();
        forge("commit", "-m", "merge art").ok();
        JsonNode log = E2eFiles.json(forge("log", "-n", "1", "--json").ok());
        assertEquals(2, log.get(0).get("parents").size());
        assertArrayEquals(random(2, 400_000), Files.readAllBytes(dir.resolve("level.umap")));

        forge("undo").ok();
        assertEquals(
                1,
                E2eFiles.json(forge("log", "-n", "1", "--json").ok())
                        .get(0)
                        .get("parents")
                        .size());
        forge("undo").ok();
        assertEquals(
                2,
                E2eFiles.json(forge("log", "-n", "1", "--json").ok())
                        .get(0)
                        .get("parents")
                        .size());
        assertTrue(forge("op", "log", "--json").ok().stdout().contains("undo"));
        forge("fsck").ok();
    }

    @Test
    void mergeAbortAndDirtyWorkTreeAreRefusedOrRestored() throws Exception {
        forge("init").ok();
        Files.write(dir.resolve("a.bin"), random(1, 10_000));
        forge("add", ".").ok();
        forge("commit", "-m", "base").ok();
        forge("branch", "other").ok();
        Files.write(dir.resolve("a.bin"), random(2, 10_000));
        forge("add", ".").ok();
        forge("commit", "-m", "ours").ok();
        forge("switch", "other").ok();
        Files.write(dir.resolve("a.bin"), random(3, 10_000));
        forge("add", ".").ok();
        forge("commit", "-m", "theirs").ok();
        forge("switch", "main").ok();
        Files.write(dir.resolve("a.bin"), random(4, 10_000));
        forge("merge", "other").expect(6).oneLineError();
        forge("restore", "a.bin").ok();
        forge("merge", "other").expect(7);
        forge("merge", "--abort").ok();
        assertArrayEquals(random(2, 10_000), Files.readAllBytes(dir.resolve("a.bin")));
        JsonNode status = E2eFiles.json(forge("status", "--json").ok());
        assertTrue(status.get("clean").asBoolean(), status.toString());
        forge("branch", "-d", "main").expect(1).oneLineError();
        forge("switch", "nope").expect(4).oneLineError();
    }

    /**
     * gc runs while another process adds and commits: the repository lock serializes them, and every
     * commit, old and new, checks out byte for byte afterwards.
     */
    @Test
    void gcWithConcurrentWritersNeverLosesReachableData() throws Exception {
        forge("init").ok();
        Map<String, byte[]> expected = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            byte[] b = random(100 + i, 1_500_000);
            Files.write(dir.resolve("shot" + i + ".bin"), b);
            expected.put("shot" + i + ".bin", b);
            forge("add", ".").ok();
            forge("commit", "-m", "c" + i).ok();
        }
        forge("switch", "-c", "scratch").ok();
        Files.write(dir.resolve("junk.bin"), random(999, 3_000_000));
        forge("add", ".").ok();
        forge("commit", "-m", "junk").ok();
        forge("switch", "main").ok();
        forge("branch", "-d", "scratch").ok();
        forge("config", "gc.graceDays", "0").ok();

        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        List<Map<String, byte[]>> committed = new ArrayList<>();
        Thread writer = new Thread(() -> {
            try {
                Map<String, byte[]> state = new HashMap<>(expected);
                for (int i = 0; i < 4; i++) {
                    byte[] b = random(200 + i, 800_000);
                    Files.write(dir.resolve("new" + i + ".bin"), b);
                    state.put("new" + i + ".bin", b);
                    ForgeProcess.run(dir, "add", ".").ok();
                    ForgeProcess.run(dir, "commit", "-m", "w" + i).ok();
                    synchronized (committed) {
                        committed.add(new HashMap<>(state));
                    }
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        writer.start();
        ForgeProcess.Result gc1 = forge("gc", "--json").ok();
        ForgeProcess.Result gc2 = forge("gc", "--json").ok();
        writer.join();
        if (writerFailure.get() != null) throw new AssertionError("the concurrent writer failed", writerFailure.get());
        long dead = E2eFiles.json(gc1).get("deadObjects").asLong()
                + E2eFiles.json(gc2).get("deadObjects").asLong();
        assertTrue(dead > 0, "the deleted branch's junk is collected: " + gc1.stdout() + gc2.stdout());
        forge("gc").ok();
        forge("fsck").ok();

        JsonNode log = E2eFiles.json(forge("log", "--json").ok());
        assertEquals(7, log.size(), "3 + 4 commits, none lost");
        for (int i = 0; i < 4; i++) {
            String commit = log.get(3 - i).get("commit").asText();
            Path out = dir.resolveSibling(dir.getFileName() + "-w" + i);
            forge("checkout", commit, "--into", out.toString()).ok();
            Map<String, byte[]> state = committed.get(i);
            assertEquals(state.size(), E2eFiles.files(out).size());
            for (Map.Entry<String, byte[]> e : state.entrySet()) {
                assertArrayEquals(
                        e.getValue(), Files.readAllBytes(out.resolve(e.getKey())), e.getKey() + " of commit w" + i);
            }
        }
    }
}
