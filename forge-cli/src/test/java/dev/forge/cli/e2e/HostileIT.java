package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile suite: what a studio's machines do to a repository, through dist/forge. Seeded, so a
 * failure can be replayed with the seed it prints; bounded in CI ({@code forge.test.hostile.rounds},
 * default 4) and run at length by {@code scripts/hostile} (nightly).
 *
 * <ul>
 *   <li>SIGKILL of every writing command at random moments (checkout, switch, merge, gc, push,
 *       fetch, pull, clone; add and commit are CrashIT's): afterwards fsck passes and the same command
 *       run again succeeds (a killed clone is rerun into the same folder).
 *   <li>A flipped byte in every kind of file under {@code .forge/} (packs, index tables, the index's
 *       MANIFEST and CURRENT, config): reading commands exit 0 or 5 with one line, never 1 or a stack
 *       trace, and fsck does not call the repository healthy.
 *   <li>A flipped byte in every kind of remote file (packs, pack indexes, refs, config): clone exits
 *       with a documented code, never 0 with wrong bytes, and leaves no folder behind.
 *   <li>Odd file names (spaces, a leading dash, escape sequences, non-ASCII in both Unicode forms,
 *       250-byte names): they round-trip byte for byte.
 * </ul>
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class HostileIT {
    static final long SEED = Long.getLong("forge.test.hostile.seed", 0x4057_11E5L);
    static final int ROUNDS = Integer.getInteger("forge.test.hostile.rounds", 4);
    static final Duration STEP = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    static ForgeProcess.Result forge(Path dir, String... args) {
        return ForgeProcess.run(dir, STEP, List.of(args));
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A repository with two diverged branches (enough bytes that commands take a moment) pushed to a folder remote. */
    private Path project(Path dir, Path remote) throws IOException {
        Files.createDirectories(dir.resolve("shots"));
        forge(dir, "init").ok();
        for (int i = 0; i < 6; i++) Files.write(dir.resolve("shots/plate" + i + ".bin"), random(i, 3_000_000));
        Files.writeString(dir.resolve("notes.txt"), "base\n");
        forge(dir, "add", ".").ok();
        forge(dir, "commit", "-m", "base").ok();
        forge(dir, "branch", "grade").ok();
        for (int i = 0; i < 3; i++) Files.write(dir.resolve("shots/plate" + i + ".bin"), random(100 + i, 3_000_000));
        forge(dir, "add", ".").ok();
        forge(dir, "commit", "-m", "main edits").ok();
        forge(dir, "switch", "grade").ok();
        for (int i = 3; i < 6; i++) Files.write(dir.resolve("shots/plate" + i + ".bin"), random(200 + i, 3_000_000));
        forge(dir, "add", ".").ok();
        forge(dir, "commit", "-m", "grade edits").ok();
        forge(dir, "switch", "main").ok();
        forge(dir, "remote", "add", "origin", remote.toString()).ok();
        forge(dir, "push").ok();
        forge(dir, "push", "origin", "grade").ok();
        return dir;
    }

    /** One writing command and how to get back to a state where it has work to do. */
    private record Scenario(String name, List<String> args, List<List<String>> reset) {}

    @Test
    void killedWritingCommandsLeaveARepositoryThatPassesFsckAndRerunsCleanly() throws Exception {
        Path remote = tmp.resolve("remote");
        Path a = project(Files.createDirectories(tmp.resolve("a")), remote);
        forge(tmp, "clone", remote.toString(), "b").ok();
        Path b = tmp.resolve("b");
        List<Scenario> scenarios = List.of(
                new Scenario("checkout", List.of("checkout", "grade"), List.of(List.of("checkout", "main"))),
                new Scenario("switch", List.of("switch", "grade"), List.of(List.of("switch", "main"))),
                new Scenario("merge", List.of("merge", "grade"), List.of(List.of("undo"))),
                new Scenario("gc", List.of("gc"), List.of()),
                new Scenario("fetch", List.of("fetch"), List.of(List.of("undo"))),
                new Scenario("pull", List.of("pull"), List.of(List.of("undo"))));
        Random rnd = new Random(SEED);
        System.out.printf("[HostileIT] seed %#x, %d rounds%n", SEED, ROUNDS);
        for (int round = 0; round < ROUNDS * scenarios.size(); round++) {
            Scenario s = scenarios.get(round % scenarios.size());
            Path repo = s.name().equals("fetch") || s.name().equals("pull") ? b : a;
            if (s.name().equals("fetch") || s.name().equals("pull")) {
                // Give fetch and pull something new: a commit pushed from a.
                Files.write(a.resolve("shots/plate0.bin"), random(1000 + round, 3_000_000));
                forge(a, "add", ".").ok();
                forge(a, "commit", "-m", "round " + round).ok();
                forge(a, "push").ok();
            }
            long delay = 20 + rnd.nextInt(1500);
            String what = s.name() + " killed after " + delay + " ms (round " + round + ")";
            killAfter(repo, s.args(), delay);
            ForgeProcess.Result fsck = forge(repo, "fsck");
            assertEquals(0, fsck.exitCode(), () -> what + ": fsck " + fsck.describe());
            ForgeProcess.Result again = forge(repo, s.args().toArray(String[]::new));
            assertTrue(
                    again.exitCode() == 0 || (s.name().equals("merge") && again.exitCode() == 7),
                    () -> what + ": rerun " + again.describe());
            forge(repo, "fsck").ok();
            for (List<String> r : s.reset()) {
                if (s.name().equals("merge") && again.exitCode() == 7) {
                    forge(repo, "merge", "--abort").ok();
                } else {
                    forge(repo, r.toArray(String[]::new)).ok();
                }
            }
        }
        // A killed clone is rerun into the same folder and succeeds.
        for (int round = 0; round < ROUNDS; round++) {
            Path target = tmp.resolve("clone-" + round);
            long delay = 20 + rnd.nextInt(1500);
            killAfter(tmp, List.of("clone", remote.toString(), target.toString()), delay);
            ForgeProcess.Result again = forge(tmp, "clone", remote.toString(), target.toString());
            // A kill that came after the clone finished (the JVM exiting) leaves a complete clone: then the
            // rerun rightly refuses the non-empty folder (exit 6), and the clone must be whole.
            assertTrue(
                    again.exitCode() == 0 || (again.exitCode() == 6 && Files.isDirectory(target.resolve(".forge"))),
                    () -> "clone killed after " + delay + " ms, rerun: " + again.describe());
            forge(target, "fsck").ok();
            assertArrayEquals(
                    Files.readAllBytes(a.resolve("shots/plate3.bin")),
                    Files.readAllBytes(target.resolve("shots/plate3.bin")));
        }
    }

    private static void killAfter(Path dir, List<String> args, long delayMs) throws InterruptedException {
        ForgeProcess.Started st = ForgeProcess.start(dir, args);
        try {
            if (!st.process().waitFor(delayMs, TimeUnit.MILLISECONDS)) ForgeProcess.killTree(st.process());
        } finally {
            st.cleanup();
        }
    }

    @Test
    void aFlippedByteAnywhereUnderDotForgeIsAnIntegrityErrorNeverACrash() throws Exception {
        Path remote = tmp.resolve("remote");
        Path original = project(Files.createDirectories(tmp.resolve("original")), remote);
        forge(original, "gc").ok(); // flush the index into table files
        Random rnd = new Random(SEED ^ 0xF11B);
        List<String> kinds = List.of("pack", "sst", "MANIFEST", "CURRENT", "config");
        for (String kind : kinds) {
            for (int round = 0; round < Math.max(1, ROUNDS / 2); round++) {
                Path copy = tmp.resolve("flip-" + kind + "-" + round);
                E2eFiles.copyTree(original, copy);
                Path victim = pick(copy.resolve(".forge"), kind, rnd);
                if (victim == null) continue; // this store has no file of that kind (e.g. no table file yet)
                long offset = flip(victim, rnd);
                String what = "byte " + offset + " of " + copy.relativize(victim) + " flipped";
                for (List<String> cmd : List.of(
                        List.of("status"),
                        List.of("log", "-n", "3"),
                        List.of(
                                "checkout",
                                "HEAD~1",
                                "--into",
                                tmp.resolve("into-" + kind + "-" + round).toString()),
                        List.of("show", "HEAD:shots/plate0.bin"))) {
                    ForgeProcess.Result r = ForgeProcess.run(copy, STEP, cmd);
                    assertTrue(
                            Set.of(0, 4, 5).contains(r.exitCode()),
                            () -> what + ": expected exit 0 (untouched data), 4 or 5 (damage found), got "
                                    + r.describe());
                    if (r.exitCode() != 0) r.oneLineError();
                }
                ForgeProcess.Result fsck = forge(copy, "fsck");
                if (kind.equals("pack") || kind.equals("CURRENT")) {
                    assertEquals(5, fsck.exitCode(), () -> what + ": fsck must find it: " + fsck.describe());
                } else {
                    assertTrue(Set.of(0, 5).contains(fsck.exitCode()), () -> what + ": fsck " + fsck.describe());
                }
            }
        }
    }

    /** A seeded pick of one file of {@code kind} below {@code forgeDir}, or null when there is none. */
    private static Path pick(Path forgeDir, String kind, Random rnd) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(forgeDir)) {
            all = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<Path> match = new ArrayList<>();
        for (Path p : all) {
            String n = p.getFileName().toString();
            boolean ok = switch (kind) {
                case "pack" -> n.endsWith(".pack");
                case "sst" -> n.endsWith(".sst");
                case "MANIFEST" -> n.startsWith("MANIFEST-");
                case "CURRENT" -> n.equals("CURRENT");
                case "config" -> p.getParent().equals(forgeDir) && n.equals("config");
                default -> false;
            };
            if (ok && Files.size(p) > 0) match.add(p);
        }
        return match.isEmpty() ? null : match.get(rnd.nextInt(match.size()));
    }

    /** Flips one bit of a byte at a seeded offset; returns the offset. */
    private static long flip(Path file, Random rnd) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long offset = (long) (rnd.nextDouble() * f.length());
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ (1 << rnd.nextInt(8)));
            return offset;
        }
    }

    @Test
    void aDamagedRemoteIsRefusedAndACloneOfItLeavesNothingBehind() throws Exception {
        Path remote = tmp.resolve("remote");
        project(Files.createDirectories(tmp.resolve("a")), remote);
        Random rnd = new Random(SEED ^ 0xC10E);
        List<String> kinds = List.of(".pack", ".idx", "refs/heads/main", "config");
        for (String kind : kinds) {
            Path copy = tmp.resolve("remote-" + kind.replace('/', '_'));
            E2eFiles.copyTree(remote, copy);
            List<Path> files;
            try (Stream<Path> s = Files.walk(copy)) {
                files = s.filter(Files::isRegularFile)
                        .filter(p ->
                                copy.relativize(p).toString().replace('\\', '/').endsWith(kind))
                        .sorted()
                        .toList();
            }
            assertFalse(files.isEmpty(), "the remote has a " + kind);
            Path victim = files.get(rnd.nextInt(files.size()));
            long offset = flip(victim, rnd);
            Path target = tmp.resolve("clone-of-" + copy.getFileName());
            ForgeProcess.Result r = forge(tmp, "clone", copy.toString(), target.toString());
            String what = "byte " + offset + " of remote " + copy.relativize(victim) + " flipped";
            if (r.exitCode() == 0) {
                // The flip hit bytes nothing reads (e.g. a pack record of an object superseded): the clone must be
                // whole.
                forge(target, "fsck").ok();
            } else {
                assertNotEquals(
                        1, r.exitCode(), () -> what + ": a damaged remote is not a generic failure: " + r.describe());
                r.oneLineError();
                assertFalse(Files.exists(target), () -> what + ": a failed clone left " + target);
            }
        }
    }

    @Test
    void oddFileNamesRoundTripByteForByte() throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        List<String> names = List.of(
                "with space.wav",
                "-leading-dash.exr",
                "esc\u001b[31mred.txt",
                "tab\tname.txt",
                "caf\u00e9-nfc.psd",
                "cafe\u0301-nfd.psd",
                "\u30b7\u30e7\u30c3\u30c8.mov",
                "x".repeat(250),
                "percent%20and#hash.txt",
                ".forge-tmp-not-ours.bin");
        int i = 0;
        for (String n : names) Files.write(w.resolve(n), random(300 + i++, 1000 + i));
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "odd names").ok();
        // A changed file whose name holds an escape sequence is listed quoted, never raw.
        Files.write(w.resolve(names.get(2)), random(999, 10));
        ForgeProcess.Result status = forge(w, "status");
        status.ok();
        assertTrue(status.stdout().contains("red.txt"), () -> "status lists the changed file: " + status.describe());
        assertFalse(
                status.stdout().contains("\u001b"),
                () -> "a raw escape sequence reached the terminal: " + status.describe());
        forge(w, "restore", names.get(2)).ok();
        Path out = tmp.resolve("out");
        forge(w, "checkout", "HEAD", "--into", out.toString()).ok();
        i = 0;
        for (String n : names) {
            assertArrayEquals(random(300 + i++, 1000 + i), Files.readAllBytes(out.resolve(n)), n);
        }
        forge(w, "fsck").ok();
    }
}
