package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory does not grow with file size: a file six times larger than the Java heap is added, committed
 * and checked out by dist/forge running with {@code -Xmx96m}, and comes back byte for byte.
 */
class MemoryBoundIT {
    private static final long SIZE = 600L << 20;
    private static final Map<String, String> SMALL_HEAP = Map.of("FORGE_JAVA_OPTS", "-Xmx96m");

    @TempDir
    Path dir;

    @Test
    void aFileSixTimesTheHeapIsAddedAndCheckedOut() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path big = repo.resolve("master.mov.bin");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom r = new SplittableRandom(16);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long done = 0; done < SIZE; done += block.length) {
                // Half random, half a repeating pattern: both the raw and the compressed paths run.
                if ((done >> 20) % 2 == 0) r.nextBytes(block);
                else for (int i = 0; i < block.length; i++) block[i] = (byte) ("frame".charAt(i % 5) + (done >> 20));
                sha.update(block);
                out.write(block);
            }
        }
        String expected = HexFormat.of().formatHex(sha.digest());
        Duration t = Duration.ofMinutes(10);
        ForgeProcess.run(repo, t, List.of("init"), SMALL_HEAP).ok();
        ForgeProcess.run(repo, t, List.of("add", "."), SMALL_HEAP).ok();
        ForgeProcess.run(repo, t, List.of("commit", "-m", "big"), SMALL_HEAP).ok();
        Path out = dir.resolve("out");
        ForgeProcess.run(repo, t, List.of("checkout", "HEAD", "--into", out.toString()), SMALL_HEAP)
                .ok();
        assertEquals(SIZE, Files.size(out.resolve("master.mov.bin")));
        assertEquals(expected, E2eFiles.sha256(out.resolve("master.mov.bin")));
        ForgeProcess.Result fsck =
                ForgeProcess.run(repo, t, List.of("fsck", "--json"), SMALL_HEAP).ok();
        assertTrue(E2eFiles.json(fsck).get("ok").asBoolean());
    }
}
