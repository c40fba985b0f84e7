package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        ForgeProcess.Result first = ForgeProcess.run(dir, ForgeProcess.DEFAULT_TIMEOUT, List.of("version"), env)
                .ok();
        assertEquals("", first.stderr(), first::describe);
        assertTrue(first.stdout().startsWith("forge "), first::describe);

        Path aot = awaitCache(cache.resolve("forge"), Duration.ofMinutes(3));
        assertTrue(Files.size(aot) > 1 << 20, "cache " + aot + " is only " + Files.size(aot) + " bytes");
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
