package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.ForgeProcess.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL {@code forge add} and {@code forge commit} at seeded random moments on a ~150 MB work tree
 * of mixed files; after every kill the repository must pass fsck and accept the next add and commit.
 * At the end a checkout of HEAD must equal the work tree byte for byte.
 *
 * <p>The kill delays are spread (stratified, with seeded jitter) from 50 ms to the command's full
 * duration, measured first on the same tree. Between iterations the tree is edited (all large files
 * touched so that add re-reads ~120 MB, in-place overwrites, an insertion that shifts a file, small
 * files rewritten, added and deleted), so every add has real work to be killed in.
 *
 * <p>dist/forge is a sh launcher that {@code exec}s java, so the started process becomes the JVM; the
 * test checks /proc/PID/cmdline at the moment of the kill and also kills any descendants.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CrashIT {
    static final long SEED = 0xF0_12_6E_C0L;
    static final int ITERATIONS = Integer.getInteger("forge.test.crash.iterations", 25);
    static final int MIN_DELAY_MS = 50;

    @TempDir
    Path tmp;

    Path work;
    Random rnd;
    int newFiles;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    enum Kind {
        ADD,
        COMMIT
    }

    enum Outcome {
        KILLED_JVM,
        KILLED_LAUNCHER,
        FINISHED_BEFORE_KILL
    }

    /**
     * A push to a folder remote SIGKILLed in the middle of a pack (the test-only pause point
     * push.insidePack: the second pack half written into the remote's temporary file, the first
     * published or being published): nothing was staged under .forge, no partial pack is visible on the
     * remote (every packs/*.pack there is whole: it ends with the pack trailer and its index is there
     * or it is the one whose index was next), the branch is not there, and the push run again finishes;
     * a clone then restores the tree byte for byte.
     */
    @Test
    void aPushToAFolderKilledInsideAPackLeavesNoPartialPackAndARerunFinishes() throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        Random r = new Random(SEED);
        for (int i = 0; i < 6; i++) {
            byte[] data = new byte[3 << 20];
            r.nextBytes(data);
            Files.write(w.resolve("shot-" + i + ".bin"), data);
        }
        Files.writeString(w.resolve("readme.txt"), "v1\n");
        run(w, "init").ok();
        run(w, "add", ".").ok();
        run(w, "commit", "-m", "v1").ok();
        Path remote = tmp.resolve("nas");
        run(w, "remote", "add", "nas", remote.toUri().toString()).ok();
        Path pause = tmp.resolve("paused");
        ForgeProcess.Started s = ForgeProcess.start(
                w,
                List.of("push", "nas", "-j", "1"),
                java.util.Map.of(
                        "FORGE_TEST_PACK_SIZE", Integer.toString(4 << 20),
                        "FORGE_TEST_PAUSE_AT", "push.insidePack",
                        "FORGE_TEST_PAUSE_FILE", pause.toString()));
        try {
            ResumeIT.awaitPause(s, pause);
            ForgeProcess.killTree(s.process());
        } finally {
            s.cleanup();
        }
        Path outgoing = w.resolve(".forge/remotes/nas/outgoing");
        if (Files.isDirectory(outgoing)) {
            try (Stream<Path> staged = Files.list(outgoing)) {
                List<String> packs = staged.map(p -> p.getFileName().toString())
                        .filter(f -> f.contains("pack") || f.endsWith(".part") || f.endsWith(".idx"))
                        .toList();
                assertEquals(List.of(), packs, "a push to a folder stages no pack");
            }
        }
        List<String> hidden = new ArrayList<>();
        long hiddenBytes = 0;
        try (Stream<Path> files = Files.list(remote.resolve("packs"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String f = p.getFileName().toString();
                if (f.startsWith(".")) {
                    hidden.add(f);
                    hiddenBytes += Files.size(p);
                } else if (f.endsWith(".pack")) {
                    assertTrue(endsWithPackTrailer(p), f + " is visible but not whole");
                }
            }
        }
        assertTrue(hiddenBytes >= 1 << 20, "the half-written pack is a hidden temporary file on the remote: " + hidden);
        assertTrue(Files.notExists(remote.resolve("refs/heads/main")), "the branch moved before its packs were up");

        JsonNode again = E2eFiles.json(run(w, "push", "nas", "--json").ok());
        assertEquals("main", again.path("branch").asText(), again::toString);
        assertTrue(Files.exists(remote.resolve("refs/heads/main")));
        if (Files.isDirectory(outgoing)) {
            try (Stream<Path> left = Files.list(outgoing)) {
                assertEquals(List.of(), left.toList(), "a finished push leaves nothing in outgoing/");
            }
        }
        run(tmp, "clone", remote.toUri().toString(), "c").ok();
        E2eFiles.assertSameTree(w, tmp.resolve("c"));
        run(tmp.resolve("c"), "fsck").ok();
    }

    /** Whether the file ends with a pack trailer's magic ("FRGPEND\0", docs/format.md). */
    static boolean endsWithPackTrailer(Path pack) throws IOException {
        byte[] magic = "FRGPEND\0".getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "r")) {
            if (f.length() < 32) return false;
            byte[] t = new byte[magic.length];
            f.seek(f.length() - 32);
            f.readFully(t);
            return java.util.Arrays.equals(magic, t);
        }
    }

    @Test
    void killedAddAndCommitLeaveARepositoryThatPassesFsckAndKeepsWorking() throws Exception {
        long t0 = System.nanoTime();
        work = Files.createDirectories(tmp.resolve("work"));
        rnd = new Random(SEED);
        generateTree(work, rnd);
        long treeBytes = E2eFiles.totalSize(work);
        System.out.printf(
                Locale.ROOT,
                "[CrashIT] work tree: %d files, %.1f MB%n",
                E2eFiles.files(work).size(),
                treeBytes / 1e6);

        // --- measure the full add and commit once, then start over with a fresh repository
        run(work, "init").ok();
        long addMs = run(work, "add", ".").ok().millis();
        long commitMs = run(work, "commit", "-m", "measure").ok().millis();
        E2eFiles.deleteTree(work.resolve(".forge"));
        run(work, "init").ok();
        System.out.printf(Locale.ROOT, "[CrashIT] measured: add . %d ms, commit %d ms%n", addMs, commitMs);

        List<Kind> kinds = new ArrayList<>();
        for (int i = 0; i < ITERATIONS; i++) kinds.add(i % 4 == 3 ? Kind.COMMIT : Kind.ADD);
        int addCount = (int) kinds.stream().filter(k -> k == Kind.ADD).count();
        int commitCount = ITERATIONS - addCount;
        List<Long> addDelays = spread(addCount, Math.max(addMs, MIN_DELAY_MS + 1));
        List<Long> commitDelays = spread(commitCount, Math.max(commitMs, MIN_DELAY_MS + 1));

        int killedJvm = 0;
        int killedLauncher = 0;
        int finished = 0;
        int commits = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            Kind kind = kinds.get(i);
            if (i > 0) edit(work, rnd, i);
            long delay;
            List<String> args;
            if (kind == Kind.ADD) {
                delay = addDelays.remove(0);
                args = List.of("add", ".");
            } else {
                run(work, "add", ".").ok();
                delay = commitDelays.remove(0);
                args = List.of("commit", "-m", "crash " + i);
            }
            Outcome o = startAndKill(args, delay);
            switch (o) {
                case KILLED_JVM -> killedJvm++;
                case KILLED_LAUNCHER -> killedLauncher++;
                case FINISHED_BEFORE_KILL -> finished++;
            }
            long f0 = System.nanoTime();
            ForgeProcess.Result fsck = run(work, "fsck");
            long fsckMs = (System.nanoTime() - f0) / 1_000_000;
            String ctx = "iteration " + i + ": after SIGKILL of `forge " + String.join(" ", args) + "` at " + delay
                    + " ms (" + o + ")";
            assertEquals(0, fsck.exitCode(), () -> "fsck failed " + ctx + ": " + fsck.describe());
            ForgeProcess.Result add = run(work, "add", ".");
            assertEquals(0, add.exitCode(), () -> "add . failed " + ctx + ": " + add.describe());
            ForgeProcess.Result commit = run(work, "commit", "-m", "x", "--allow-empty");
            assertEquals(0, commit.exitCode(), () -> "commit --allow-empty failed " + ctx + ": " + commit.describe());
            commits++;
            System.out.printf(
                    Locale.ROOT,
                    "[CrashIT] %2d %-6s kill at %5d ms: %-20s fsck %4d ms, add %4d ms, commit %4d ms%n",
                    i,
                    kind,
                    delay,
                    o,
                    fsckMs,
                    add.millis(),
                    commit.millis());
        }

        // --- the end state: clean status, fsck, and a checkout equal to the work tree byte for byte
        JsonNode status = E2eFiles.json(run(work, "status", "--json").ok());
        assertTrue(
                status.path("clean").asBoolean(), () -> "work tree should be clean after the last commit: " + status);
        run(work, "fsck").ok();
        JsonNode log = E2eFiles.json(run(work, "log", "--json").ok());
        assertTrue(log.size() >= commits, () -> "expected at least " + ITERATIONS + " commits, log has " + log.size());
        run(work, "checkout", "HEAD", "--into", "../fresh").ok();
        E2eFiles.assertSameTree(work, tmp.resolve("fresh"));

        System.out.printf(
                Locale.ROOT,
                "[CrashIT] %d iterations: %d kills of the JVM, %d of the launcher before exec, %d finished first; %.0f s%n",
                ITERATIONS,
                killedJvm,
                killedLauncher,
                finished,
                (System.nanoTime() - t0) / 1e9);
        assertTrue(killedJvm > 0, "no kill hit a running forge JVM: the test did not test anything");
    }

    /** n delays from MIN_DELAY_MS to max, one per equal slot, at a seeded random point of the slot, in seeded random order. */
    private List<Long> spread(int n, long max) {
        List<Long> l = new ArrayList<>();
        for (int j = 0; j < n; j++) l.add(MIN_DELAY_MS + Math.round((max - MIN_DELAY_MS) * (j + rnd.nextDouble()) / n));
        java.util.Collections.shuffle(l, rnd);
        return l;
    }

    private Outcome startAndKill(List<String> args, long delayMs) throws Exception {
        ForgeProcess.Started s = ForgeProcess.start(work, args);
        try {
            Process p = s.process();
            if (p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
                assertEquals(
                        0,
                        p.exitValue(),
                        () -> "`forge " + args + "` finished before the kill, but failed: " + s.readStderr());
                return Outcome.FINISHED_BEFORE_KILL;
            }
            String cmdline = cmdline(p.pid());
            String argv0 = cmdline.isEmpty() ? "" : cmdline.split("\0")[0];
            boolean jvm = argv0.equals("java") || argv0.endsWith("/java");
            ForgeProcess.killTree(p);
            if (p.exitValue() == 0) return Outcome.FINISHED_BEFORE_KILL; // it won the race against the kill
            assertEquals(
                    128 + 9,
                    p.exitValue(),
                    () -> "`forge " + args + "` neither finished nor died of SIGKILL; cmdline "
                            + cmdline.replace('\0', ' ') + "; stderr: " + s.readStderr());
            return jvm ? Outcome.KILLED_JVM : Outcome.KILLED_LAUNCHER;
        } finally {
            s.cleanup();
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ the work tree

    /** ~150 MB: five large files (random, compressible text, mixed), ~1000 small files in 25 directories. */
    static void generateTree(Path root, Random r) throws IOException {
        Path big = Files.createDirectories(root.resolve("big"));
        for (int i = 0; i < 3; i++)
            Files.write(big.resolve("plate_" + i + ".raw"), randomBytes(r, 22_000_000 + r.nextInt(1_000_000)));
        for (int i = 0; i < 2; i++)
            Files.write(big.resolve("edl_" + i + ".txt"), text(r, 18_000_000 + r.nextInt(1_000_000)));
        Files.write(big.resolve("mixed.bin"), mixed(r, 14_000_000));
        for (int d = 0; d < 25; d++) {
            Path dir = Files.createDirectories(root.resolve("shots/sh" + String.format(Locale.ROOT, "%03d", d * 10)));
            for (int f = 0; f < 40; f++) Files.write(dir.resolve("f" + f + ext(f)), smallContent(r));
        }
        Files.createDirectories(root.resolve("new"));
    }

    private static String ext(int f) {
        return switch (f % 3) {
            case 0 -> ".bin";
            case 1 -> ".txt";
            default -> ".dat";
        };
    }

    static byte[] smallContent(Random r) {
        int n = 1 + r.nextInt(64 * 1024);
        return switch (r.nextInt(3)) {
            case 0 -> randomBytes(r, n);
            case 1 -> text(r, n);
            default -> mixed(r, n);
        };
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static final String[] WORDS = {
        "shot",
        "plate",
        "grade",
        "comp",
        "roto",
        "track",
        "frame",
        "take",
        "render",
        "cache",
        "lens",
        "exr",
        "dpx",
        "wav",
        "final",
        "v002",
        "v017",
        "approved",
        "notes",
        "retime"
    };

    static byte[] text(Random r, int n) {
        StringBuilder sb = new StringBuilder(n + 128);
        while (sb.length() < n) {
            sb.append(String.format(Locale.ROOT, "%06d ", r.nextInt(1_000_000)));
            for (int w = 3 + r.nextInt(8); w > 0; w--)
                sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
            sb.append(r.nextInt(10_000)).append('\n');
        }
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Alternating runs of noise, zeros and repeated patterns. */
    static byte[] mixed(Random r, int n) {
        byte[] b = new byte[n];
        int pos = 0;
        while (pos < n) {
            int len = Math.min(n - pos, 1 + r.nextInt(96 * 1024));
            switch (r.nextInt(3)) {
                case 0 -> {
                    byte[] x = new byte[len];
                    r.nextBytes(x);
                    System.arraycopy(x, 0, b, pos, len);
                }
                case 1 -> {
                    /* zeros */
                }
                default -> {
                    for (int k = 0; k < len; k++) b[pos + k] = (byte) ((pos + k) * 31 % 251);
                }
            }
            pos += len;
        }
        return b;
    }

    /** One round of edits: touch all large files, overwrite, insert, rewrite/add/delete small files. */
    void edit(Path root, Random r, int iteration) throws IOException {
        List<Path> bigs;
        try (Stream<Path> s = Files.list(root.resolve("big"))) {
            bigs = s.sorted().toList();
        }
        FileTime t = FileTime.fromMillis(1_700_000_000_000L + iteration * 60_000L);
        for (Path b : bigs) Files.setLastModifiedTime(b, t); // content unchanged, stat changed: add must re-read it
        // overwrite 256 KiB in place
        Path o = bigs.get(r.nextInt(bigs.size()));
        try (RandomAccessFile f = new RandomAccessFile(o.toFile(), "rw")) {
            long off = (long) (r.nextDouble() * Math.max(1, f.length() - 262_144));
            f.seek(off);
            f.write(randomBytes(r, 262_144));
        }
        // insert 64 KiB somewhere (shifts the rest of the file)
        Path ins = bigs.get(r.nextInt(bigs.size()));
        byte[] old = Files.readAllBytes(ins);
        int at = r.nextInt(old.length);
        byte[] add = r.nextBoolean() ? randomBytes(r, 65_536) : text(r, 65_536);
        byte[] shifted = new byte[old.length + add.length];
        System.arraycopy(old, 0, shifted, 0, at);
        System.arraycopy(add, 0, shifted, at, add.length);
        System.arraycopy(old, at, shifted, at + add.length, old.length - at);
        Files.write(ins, shifted);
        // small files: rewrite 10, add 5, delete 3
        List<Path> smalls;
        try (Stream<Path> s = Files.walk(root.resolve("shots"))) {
            smalls = new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
        for (int k = 0; k < 10; k++) Files.write(smalls.get(r.nextInt(smalls.size())), smallContent(r));
        for (int k = 0; k < 5; k++) Files.write(root.resolve("new/n" + (newFiles++) + ".bin"), smallContent(r));
        for (int k = 0; k < 3; k++) Files.deleteIfExists(smalls.remove(r.nextInt(smalls.size())));
    }
}
