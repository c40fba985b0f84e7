package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertSameTree;
import static dev.forge.cli.e2e.E2eFiles.json;
import static dev.forge.cli.e2e.E2eFiles.totalSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forge clone --lazy} through dist/forge: only the checked-out version is downloaded; older
 * versions come when show or checkout needs them; a gone remote is exit 10 naming the path.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LazyCloneIT {
    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aLazyCloneDownloadsTheCheckoutAndFetchesHistoryOnDemand(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path remote = tmp.resolve("remote");
        ForgeProcess.run(a, "init").ok();
        byte[][] plates = new byte[4][];
        String[] commits = new String[4];
        for (int i = 0; i < 4; i++) {
            plates[i] = random(i, 3_000_000);
            Files.write(a.resolve("plate.exr"), plates[i]);
            ForgeProcess.run(a, "add", ".").ok();
            commits[i] = json(ForgeProcess.run(a, "commit", "-m", "v" + i, "--json")
                            .ok())
                    .path("commit")
                    .asText();
        }
        ForgeProcess.run(a, "remote", "add", "origin", remote.toString()).ok();
        ForgeProcess.run(a, "push").ok();

        Path full = tmp.resolve("full");
        JsonNode fullClone = json(ForgeProcess.run(tmp, "clone", remote.toString(), full.toString(), "--json")
                .ok());
        Path lazy = tmp.resolve("lazy");
        JsonNode lazyClone = json(ForgeProcess.run(tmp, "clone", "--lazy", remote.toString(), lazy.toString(), "--json")
                .ok());
        assertSameTree(a, lazy);
        long fullBytes = fullClone.path("bytesReceived").asLong();
        long lazyBytes = lazyClone.path("bytesReceived").asLong();
        assertTrue(lazyBytes < fullBytes / 3, "lazy " + lazyBytes + " vs full " + fullBytes);
        // One copy of the checkout, in the work tree: work tree plus .forge within 1.1x of the files.
        long footprint = totalSize(lazy);
        assertTrue(footprint <= 3_300_000, "work tree + .forge: " + footprint + " for 3000000 bytes of files");

        JsonNode fsck = json(ForgeProcess.run(lazy, "fsck", "--json").ok());
        assertEquals(4, fsck.path("remoteOnly").asLong(), fsck.toString());

        // An old version, read on demand.
        ForgeProcess.Result show =
                ForgeProcess.run(lazy, "show", commits[0] + ":plate.exr").ok();
        assertEquals(plates[0].length, show.stdoutBytes().length);
        assertArrayEquals(plates[0], show.stdoutBytes());
        ForgeProcess.run(
                        lazy,
                        "checkout",
                        commits[1],
                        "--into",
                        tmp.resolve("v1").toString())
                .ok();
        assertArrayEquals(plates[1], Files.readAllBytes(tmp.resolve("v1/plate.exr")));

        // The remote is gone (an unmounted NAS): exit 10 naming the path, nothing half-written.
        Files.move(remote, tmp.resolve("gone"));
        ForgeProcess.Result cut = ForgeProcess.run(lazy, "checkout", commits[2]).expect(10);
        assertTrue(cut.stderr().contains("plate.exr"), cut.describe());
        assertArrayEquals(plates[3], Files.readAllBytes(lazy.resolve("plate.exr")));
        ForgeProcess.run(lazy, "status").ok();
    }

    @Test
    void evictFreesWhatIsSafeOnTheRemoteAndOldVersionsComeBackOnDemand(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        ForgeProcess.run(a, "init").ok();
        byte[][] plates = new byte[3][];
        String[] commits = new String[3];
        for (int i = 0; i < 3; i++) {
            plates[i] = random(20 + i, 3_000_000);
            Files.write(a.resolve("plate.exr"), plates[i]);
            ForgeProcess.run(a, "add", ".").ok();
            commits[i] = json(ForgeProcess.run(a, "commit", "-m", "v" + i, "--json")
                            .ok())
                    .path("commit")
                    .asText();
        }
        // Nothing pushed yet: nothing is safe anywhere else, so nothing goes (exit 4, says to push).
        ForgeProcess.run(a, "remote", "add", "origin", tmp.resolve("remote").toString())
                .ok();
        long unpushed = totalSize(a.resolve(".forge"));
        ForgeProcess.Result none = ForgeProcess.run(a, "evict").expect(4);
        assertTrue(none.stderr().contains("push to it first"), none.describe());
        assertEquals(unpushed, totalSize(a.resolve(".forge")));
        ForgeProcess.run(a, "push").ok();

        long before = totalSize(a.resolve(".forge/packs"));
        JsonNode dry = json(ForgeProcess.run(a, "evict", "--dry-run", "--json").ok());
        assertTrue(dry.path("bytesFreed").asLong() > 5_000_000, dry.toString());
        assertEquals(before, totalSize(a.resolve(".forge/packs")), "a dry run changes no pack");
        JsonNode done = json(ForgeProcess.run(a, "evict", "--json").ok());
        assertTrue(done.path("bytesFreed").asLong() > 5_000_000, done.toString());
        assertTrue(totalSize(a.resolve(".forge/packs")) < before - 5_000_000);
        assertEquals(
                3,
                json(ForgeProcess.run(a, "fsck", "--json").ok())
                        .path("remoteOnly")
                        .asLong(),
                "every version, the checked-out one in the work tree only");
        assertArrayEquals(
                plates[0],
                ForgeProcess.run(a, "show", commits[0] + ":plate.exr").ok().stdoutBytes());
        assertArrayEquals(plates[2], Files.readAllBytes(a.resolve("plate.exr")));
        ForgeProcess.run(a, "status").ok();

        // store.maxSize: reading old versions back brings the store over the limit; they go again,
        // least recently used first, and the command says so.
        ForgeProcess.run(a, "config", "store.maxSize", "4M").ok();
        ForgeProcess.run(a, "show", commits[1] + ":plate.exr").ok();
        ForgeProcess.Result over =
                ForgeProcess.run(a, "show", commits[0] + ":plate.exr").ok();
        assertArrayEquals(plates[0], over.stdoutBytes());
        ForgeProcess.Result third = ForgeProcess.run(a, "checkout", commits[1]).ok();
        assertTrue((over.stderr() + third.stderr()).contains("store.maxSize"), over.describe() + third.describe());
        assertTrue(totalSize(a.resolve(".forge/packs")) <= 4L << 20, "packs within store.maxSize");
        assertArrayEquals(plates[1], Files.readAllBytes(a.resolve("plate.exr")));
        assertTrue(json(ForgeProcess.run(a, "fsck", "--json").ok()).path("ok").asBoolean(true));
    }
}
