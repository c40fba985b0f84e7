package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start-up cache: the first run of dist/forge trains a JDK AOT cache in the background
 * without delaying or printing anything, later runs map it, and FORGE_NO_AOT turns it off. Each test
 * has its own XDG_CACHE_HOME.
 */
class LauncherIT {
    @TempDir
    Path dir;

    @Test
    void firstRunTrainsTheCacheInTheBackgroundAndLaterRunsUseIt() throws Exception {
        Path cache = dir.resolve("cache");
        // What killed trainers of other, older builds left: removed once older than 10 minutes, a
        // running trainer's files are not.
        Path folder = Files.createDirectories(cache.resolve("forge"));
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(20)));
        Path staleLock = Files.createDirectory(folder.resolve("forge-1-2-3.aot.lock"));
        Path stalePart = Files.write(folder.resolve("forge-1-2-3.aot.77.part"), new byte[1000]);
        Path staleConfig = Files.write(folder.resolve("forge-1-2-3.aot.78.part.config"), new byte[10]);
        for (Path p : List.of(staleLock, stalePart, staleConfig)) Files.setLastModifiedTime(p, old);
        Path running = Files.write(folder.resolve("forge-4-5-6.aot.79.part"), new byte[10]);
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        ForgeProcess.Result first = ForgeProcess.run(dir, ForgeProcess.DEFAULT_TIMEOUT, List.of("version"), env)
                .ok();
        assertEquals("", first.stderr(), first::describe);
        assertTrue(first.stdout().startsWith("forge "), first::describe);

        Path aot = awaitCache(cache.resolve("forge"), Duration.ofMinutes(3));
        assertTrue(Files.size(aot) > 1 << 20, "cache " + aot + " is only " + Files.size(aot) + " bytes");
        for (Path p : List.of(staleLock, stalePart, staleConfig)) assertFalse(Files.exists(p), p + " was left");
        assertTrue(Files.exists(running), "a running trainer's file was removed");
        Files.delete(running);
        try (Stream<Path> s = Files.list(cache.resolve("forge"))) {
            List<String> left = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".part") || n.endsWith(".lock"))
                    .toList();
            assertEquals(List.of(), left, "the trainer left temporary files behind");
        }

        // A later run maps it (the JVM says so when asked) and still prints nothing else on stderr.
        ForgeProcess.Result later = ForgeProcess.run(
                        dir,
                        ForgeProcess.DEFAULT_TIMEOUT,
                        List.of("version"),
                        Map.of(
                                "XDG_CACHE_HOME",
                                cache.toString(),
                                "FORGE_JAVA_OPTS",
                                "-Xlog:aot=info:file=" + dir.resolve("aot.log")))
                .ok();
        assertEquals("", later.stderr(), later::describe);
        String log = Files.readString(dir.resolve("aot.log"));
        assertTrue(log.contains("Opened AOT cache " + aot), () -> "the cache was not used:\n" + log);
    }

    @Test
    void forgeNoAotWritesNoCache() throws Exception {
        Path cache = dir.resolve("cache");
        ForgeProcess.run(
                        dir,
                        ForgeProcess.DEFAULT_TIMEOUT,
                        List.of("version"),
                        Map.of("XDG_CACHE_HOME", cache.toString(), "FORGE_NO_AOT", "1"))
                .ok();
        // The launcher creates the trainer's lock folder before it starts java, so it would be there now.
        try (Stream<Path> s =
                Files.exists(cache.resolve("forge")) ? Files.list(cache.resolve("forge")) : Stream.empty()) {
            assertFalse(
                    s.anyMatch(p -> p.getFileName().toString().contains(".aot")), "FORGE_NO_AOT still made a cache");
        }
    }

    /**
     * {@code forge version} reports native BLAKE3 from the record that this build's library passed its
     * self-test, without binding the library (no FFM downcall stub is spun); without the record it
     * loads and tests the library itself and writes the record.
     */
    @Test
    void versionReadsTheRecordOfAnEarlierSelfTest() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "FORGE_NO_AOT", "1");
        ForgeProcess.Result first = ForgeProcess.run(dir, ForgeProcess.DEFAULT_TIMEOUT, List.of("version"), env)
                .ok();
        assertTrue(first.stdout().contains("BLAKE3 native"), first::describe);
        Path record;
        try (Stream<Path> s = Files.list(cache.resolve("forge"))) {
            Path lib = s.filter(p -> p.getFileName().toString().startsWith("blake3-build-"))
                    .findFirst()
                    .orElseThrow();
            record = lib.resolve("self-test-passed");
        }
        assertTrue(Files.isRegularFile(record), "no record after a self-test: " + record);

        Path log = dir.resolve("classes.log");
        ForgeProcess.Result later = ForgeProcess.run(
                        dir,
                        ForgeProcess.DEFAULT_TIMEOUT,
                        List.of("version", "--json"),
                        Map.of(
                                "XDG_CACHE_HOME",
                                cache.toString(),
                                "FORGE_NO_AOT",
                                "1",
                                "FORGE_JAVA_OPTS",
                                "-Xlog:class+load=info:file=" + log))
                .ok();
        assertTrue(later.stdout().contains("\"blake3\" : \"native\""), later::describe);
        String classes = Files.readString(log);
        assertFalse(classes.contains("DowncallStub"), "version bound the native library although it was recorded");
        assertFalse(classes.contains("NativeBlake3Hasher"), "version made a native hasher");

        // Without the record: loaded, tested and recorded again.
        Files.delete(record);
        ForgeProcess.Result again = ForgeProcess.run(dir, ForgeProcess.DEFAULT_TIMEOUT, List.of("version"), env)
                .ok();
        assertTrue(again.stdout().contains("BLAKE3 native"), again::describe);
        assertTrue(Files.isRegularFile(record), "the record was not written again");
    }

    /** The finished cache file: present, and no trainer still holding the lock. */
    private static Path awaitCache(Path dir, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    List<Path> all = s.toList();
                    boolean locked = all.stream()
                            .anyMatch(p -> p.getFileName().toString().endsWith(".aot.lock"));
                    Path done = all.stream()
                            .filter(p -> p.getFileName().toString().endsWith(".aot"))
                            .findFirst()
                            .orElse(null);
                    if (done != null && !locked) return done;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no AOT cache in " + dir + " after " + limit.toSeconds() + " s");
    }
}
