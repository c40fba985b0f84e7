package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertSameTree;
import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.mirror.http.StaticHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote read over plain HTTP through dist/forge: pushed to as a folder, served by nginx (a real
 * static host that cannot list), cloned, fetched and pulled by URL; a push to it is refused.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HttpRemoteIT {
    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    private static void write(Path file, long seed, int size) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.createDirectories(file.getParent());
        Files.write(file, b);
    }

    @Test
    void cloneFetchAndPullOverHttpAndPushIsRefused(@TempDir Path tmp) throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Path remote = site.resolve("studio/shots");
        Path a = Files.createDirectories(tmp.resolve("a"));
        write(a.resolve("shots/010/plate.exr"), 1, 3_000_000);
        write(a.resolve("audio/mix.wav"), 2, 800_000);
        ForgeProcess.run(a, "init").ok();
        ForgeProcess.run(a, "add", ".").ok();
        ForgeProcess.run(a, "commit", "-m", "v1").ok();
        ForgeProcess.run(a, "remote", "add", "origin", remote.toString()).ok();
        ForgeProcess.run(a, "push").ok();

        try (StaticHttpServer http = StaticHttpServer.nginx(site, Files.createDirectories(tmp.resolve("nginx")))) {
            String url = http.url("studio/shots");
            Path b = tmp.resolve("b");
            ForgeProcess.run(tmp, "clone", url, b.toString()).ok();
            assertSameTree(a, b);
            ForgeProcess.run(b, "fsck").ok();

            // A new commit pushed to the folder is seen over HTTP.
            write(a.resolve("shots/020/plate.exr"), 3, 1_000_000);
            ForgeProcess.run(a, "add", ".").ok();
            ForgeProcess.run(a, "commit", "-m", "v2").ok();
            ForgeProcess.run(a, "push").ok();
            ForgeProcess.Result fetch = ForgeProcess.run(b, "fetch", "--json").ok();
            assertTrue(json(fetch).path("bytesReceived").asLong() > 900_000, fetch.describe());
            ForgeProcess.run(b, "pull").ok();
            assertSameTree(a, b);

            // Pushing to an HTTP remote is refused before anything is sent.
            Files.writeString(b.resolve("notes.txt"), "from b\n");
            ForgeProcess.run(b, "add", ".").ok();
            ForgeProcess.run(b, "commit", "-m", "b").ok();
            String before = http.accessLog();
            ForgeProcess.Result push = ForgeProcess.run(b, "push").expect(10);
            assertTrue(push.stderr().contains("is read-only (plain HTTP)"), push.describe());
            assertEquals(1, push.stderr().strip().lines().count(), push.describe());
            assertEquals(before, http.accessLog(), "a refused push sends nothing");

            String log = http.accessLog();
            assertTrue(log.contains("\" 206 "), "packs are read by range");
            assertFalse(log.matches("(?s).*\"(PUT|POST|DELETE) .*"), log);
        }
    }
}
