package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Repository;
import dev.forge.storage.RocksLocalStoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and obliterate through dist/forge on a folder remote: a render folder of three small files
 * changed in ten commits under {@code forge retain 'render/**' --keep-last 1}; remote gc (twice, no
 * grace) frees exactly the old versions' bytes; log, show, diff, checkout and fsck of purged versions
 * with their exit codes; obliterate of a leaked key from the local store and the remote; a fresh clone
 * that sees the purged state and fscks clean.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RetentionIT {
    private static final int FILE = 40_000;
    private static final int SECRET = 6_000;

    static ForgeProcess.Result forge(Path dir, String... args) {
        return ForgeProcess.run(dir, args);
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Bytes of the folder remote's packs and indexes. */
    static long packBytes(Path remote) throws Exception {
        long n = 0;
        try (Stream<Path> s = Files.list(remote.resolve("packs"))) {
            for (Path p : (Iterable<Path>) s::iterator) n += Files.size(p);
        }
        return n;
    }

    @Test
    void keepLastOnARenderFolderThenObliterate(@TempDir Path tmp) throws Exception {
        Path remote = tmp.resolve("remote");
        Path a = Files.createDirectories(tmp.resolve("a"));
        forge(a, "init").ok();
        forge(a, "remote", "add", "origin", remote.toString()).ok();
        JsonNode rule = json(
                forge(a, "retain", "render/**", "--keep-last", "1", "--json").ok());
        assertEquals(1, rule.path("keepLast").asInt(), rule::toString);

        // The history is made in-process (the fixture, not what is under test): ten commits of a render
        // folder of three files, a notes file, and a key committed in the first and removed in the second.
        Files.createDirectories(a.resolve("render"));
        try (Repository repo = Repository.open(new RocksLocalStoreFactory(), a)) {
            for (int round = 0; round < 10; round++) {
                for (int f = 0; f < 3; f++)
                    Files.write(a.resolve("render/f" + f + ".exr"), random(round * 10 + f, FILE));
                Files.writeString(a.resolve("notes.txt"), "round " + round);
                if (round == 0) Files.write(a.resolve("licence.key"), random(4242, SECRET));
                if (round == 1) Files.delete(a.resolve("licence.key"));
                new Add(repo).run(a, List.of("."), ProgressListener.NONE);
                new CommitOp(repo).run("round " + round, ForgeProcess.AUTHOR, false);
            }
        }
        forge(a, "push", "origin").ok();
        assertTrue(Files.readString(remote.resolve("retention")).contains("render/**"), "the policy was pushed");
        long before = packBytes(remote);

        // Remote gc: the first run rewrites and records, the second (a later run, no grace) deletes.
        JsonNode first = json(
                forge(a, "gc", "--remote", "origin", "--grace", "0s", "--json").ok());
        assertEquals(27, first.path("contentsPurged").asInt(), first::toString);
        assertEquals(0, first.path("packsDeleted").asInt(), first::toString);
        JsonNode second = json(
                forge(a, "gc", "--remote", "origin", "--grace", "0s", "--json").ok());
        assertTrue(second.path("packsDeleted").asInt() >= 1, second::toString);
        long freed = before - packBytes(remote);
        // 27 old versions of 40 kB (random: stored as they are), plus at most a little pack overhead.
        assertTrue(freed >= 27L * FILE && freed <= 27L * FILE + 27 * 300 + 8_000, "freed " + freed);
        assertTrue(Files.readString(remote.resolve("config")).contains("\"purge\""));

        // Local gc applies the same policy.
        JsonNode local = json(forge(a, "gc", "--json").ok());
        assertEquals(27, local.path("contentsPurged").asInt(), local::toString);
        assertTrue(local.path("bytesFreed").asLong() >= 27L * FILE, local::toString);

        // Purged versions: show and diff exit 4 naming the policy; what was kept reads as before.
        forge(a, "log").ok();
        ForgeProcess.Result show =
                forge(a, "show", "HEAD~3:render/f0.exr").expect(4).oneLineError();
        assertTrue(show.stderr().contains("retention policy 'render/**' (keep last 1)"), show::describe);
        assertEquals("round 6", forge(a, "show", "HEAD~3:notes.txt").ok().stdout());
        forge(a, "diff", "HEAD~3", "HEAD~2").expect(4).oneLineError();
        ForgeProcess.Result partial = forge(a, "checkout", "HEAD~5").expect(12).oneLineError();
        assertTrue(partial.stderr().contains("render/f0.exr"), partial::describe);
        assertEquals("round 4", Files.readString(a.resolve("notes.txt")));
        assertFalse(Files.exists(a.resolve("render/f0.exr")), "a purged file is not written");
        forge(a, "checkout", "main").ok();
        assertArrayEquals(random(92, FILE), Files.readAllBytes(a.resolve("render/f2.exr")));
        ForgeProcess.Result fsck = forge(a, "fsck").ok();
        assertTrue(fsck.output().contains("27 file versions were purged"), fsck::describe);

        // Obliterate: a path never in history is refused; the key leaves the store and the remote.
        forge(a, "obliterate", "nothere.key", "--remote", "origin").expect(4).oneLineError();
        long beforeKey = packBytes(remote);
        JsonNode gone = json(forge(a, "obliterate", "licence.key", "--remote", "origin", "--json")
                .ok());
        assertEquals(1, gone.path("contents").asInt(), gone::toString);
        assertTrue(gone.path("remotes").path("origin").path("packsDeleted").asInt() >= 1, gone::toString);
        assertTrue(beforeKey - packBytes(remote) >= SECRET, beforeKey + " -> " + packBytes(remote));
        ForgeProcess.Result key =
                forge(a, "show", "HEAD~9:licence.key").expect(4).oneLineError();
        assertTrue(key.stderr().contains("obliterated"), key::describe);

        // A fresh clone: the policy and the purge record come with it; purged is not damage.
        Path b = tmp.resolve("b");
        forge(tmp, "clone", remote.toString(), b.toString()).ok();
        JsonNode check = json(forge(b, "fsck", "--json").ok());
        assertTrue(check.path("ok").asBoolean(), check::toString);
        assertEquals(28, check.path("purged").size(), check::toString);
        JsonNode list = json(forge(b, "retain", "--list", "--json").ok());
        assertEquals("render/**", list.path("rules").path(0).path("glob").asText(), list::toString);
        forge(b, "show", "HEAD~9:licence.key").expect(4);
        forge(b, "checkout", "HEAD~9").expect(12);
        assertEquals("round 0", Files.readString(b.resolve("notes.txt")));
        assertFalse(Files.exists(b.resolve("licence.key")));
    }
}
