package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.forge.mirror.blob.FileBlobStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stale-lock takeovers raced by real processes over a folder remote: {@value #CONTENDERS} JVMs
 * ({@link LockContender}) released at once by a gate, all finding the same stale lock, and finding
 * it stale again and again after that. Two kinds of
 * lock: the remote's ref lock ({@link RefLock}, a blob) and the folder store's own {@code NAME.lock}
 * around a replace-if-unchanged. Neither test measures time: the log's order and the final counter
 * are the evidence.
 */
class LockTakeoverRaceTest {
    static final int CONTENDERS = 8;
    static final int THREADS = 4;
    static final int HOLDS = 2;

    @TempDir
    Path tmp;

    /**
     * No two holders of the ref lock overlap, and every contender held it ({@value #HOLDS} times in each
     * of its {@value #THREADS} threads) or failed cleanly.
     */
    @Test
    void refLockTakeoversNeverOverlap() throws Exception {
        Path remote = tmp.resolve("remote");
        try (FileBlobStore s = new FileBlobStore(remote)) {
            s.put("locks/refs/heads/main", LockContender.staleLockBody());
        }
        Map<String, Integer> exits = race("ref", remote, Integer.toString(HOLDS), "10", Integer.toString(THREADS));
        List<String> lines = Files.readAllLines(tmp.resolve("log"), StandardCharsets.UTF_8);
        String holder = null;
        Map<String, Integer> holds = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(" ", 3);
            switch (f[0]) {
                case "E" -> {
                    if (holder != null) fail(f[1] + " took the lock while " + holder + " held it:\n" + lines);
                    holder = f[1];
                    holds.merge(f[1], 1, Integer::sum);
                }
                case "X" -> {
                    assertEquals(holder, f[1], "log: " + lines);
                    holder = null;
                }
                default -> {}
            }
        }
        for (var e : exits.entrySet()) {
            if (e.getValue() == 0) {
                for (int t = 0; t < THREADS; t++) {
                    assertEquals(HOLDS, holds.getOrDefault(e.getKey() + "." + t, 0), "log: " + lines);
                }
            } else assertTrue(lines.stream().anyMatch(l -> l.startsWith("F " + e.getKey() + " ")), "log: " + lines);
        }
        assertTrue(holds.size() > 0, "nobody held the lock: " + lines);
    }

    /** No update is lost when every try of every writer first finds a crashed writer's stale NAME.lock. */
    @Test
    void folderStoreLockTakeoversLoseNoUpdate() throws Exception {
        Path remote = tmp.resolve("remote");
        try (FileBlobStore s = new FileBlobStore(remote)) {
            s.put("counter", "0".getBytes(StandardCharsets.US_ASCII));
        }
        Path stale = Files.createFile(remote.resolve("counter.lock"));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(600)));
        int increments = 25;
        Map<String, Integer> exits = race("file", remote, Integer.toString(increments));
        List<String> lines = Files.readAllLines(tmp.resolve("log"), StandardCharsets.UTF_8);
        for (var e : exits.entrySet()) {
            long done = lines.stream().filter(l -> l.equals("I " + e.getKey())).count();
            if (e.getValue() == 0) assertEquals(increments, done, "contender " + e.getKey());
            else assertTrue(lines.stream().anyMatch(l -> l.startsWith("F " + e.getKey() + " ")), "log: " + lines);
        }
        long succeeded = lines.stream().filter(l -> l.startsWith("I ")).count();
        try (FileBlobStore s = new FileBlobStore(remote)) {
            String n = new String(s.get("counter").orElseThrow().data(), StandardCharsets.US_ASCII);
            assertEquals(Long.toString(succeeded), n, "updates were lost");
        }
        assertTrue(succeeded > 0, "nobody updated the counter");
    }

    /** Starts the contenders, opens the gate once all of them wait at it, and returns their exit codes. */
    private Map<String, Integer> race(String mode, Path remote, String... extra) throws Exception {
        Path log = Files.createFile(tmp.resolve("log"));
        Path gate = Files.createFile(tmp.resolve("gate"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, Process> procs = new HashMap<>();
        try (FileChannel g = FileChannel.open(gate, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock closed = g.lock();
            for (int i = 0; i < CONTENDERS; i++) {
                String id = "c" + i;
                List<String> cmd = new ArrayList<>(List.of(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xshare:auto",
                        "-XX:TieredStopAtLevel=1",
                        "-Xmx64m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockContender.class.getName(),
                        mode,
                        remote.toString(),
                        log.toString(),
                        gate.toString(),
                        id));
                cmd.addAll(List.of(extra));
                procs.put(
                        id,
                        new ProcessBuilder(cmd)
                                .redirectErrorStream(true)
                                .redirectOutput(tmp.resolve(id + ".out").toFile())
                                .start());
            }
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Files.readAllLines(log).stream()
                                .filter(l -> l.startsWith("R "))
                                .count()
                        < CONTENDERS) {
                    for (var p : procs.entrySet()) {
                        if (!p.getValue().isAlive()) fail(p.getKey() + " died before the start: " + output(p.getKey()));
                    }
                    if (System.nanoTime() > deadline) fail("the contenders did not start within 60 s");
                    Thread.sleep(20);
                }
                closed.release();
                Map<String, Integer> exits = new HashMap<>();
                for (var p : procs.entrySet()) {
                    if (!p.getValue().waitFor(60, TimeUnit.SECONDS)) fail(p.getKey() + " did not finish within 60 s");
                    int code = p.getValue().exitValue();
                    if (code != 0 && code != 3) fail(p.getKey() + " exited " + code + ": " + output(p.getKey()));
                    exits.put(p.getKey(), code);
                }
                return exits;
            } finally {
                for (Process p : procs.values()) p.destroyForcibly();
            }
        }
    }

    private String output(String id) throws IOException {
        return Files.readString(tmp.resolve(id + ".out"));
    }
}
