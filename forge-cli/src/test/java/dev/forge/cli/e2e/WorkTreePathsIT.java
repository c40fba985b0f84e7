package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.cli.ExitCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names and paths in the work tree, through dist/forge: file names in every locale and names that are
 * not UTF-8, temporary files, symlinked folders, unreadable files and over-long paths, terminal escapes
 * in names, and a damaged or empty {@code .forge}. Files with names Java cannot make are made by sh.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkTreePathsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path tmp;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    /** The environment of a locale: LANG and LC_ALL both set, as a user's shell would. */
    private static Map<String, String> locale(String name) {
        return Map.of("LANG", name, "LC_ALL", name);
    }

    private static ForgeProcess.Result run(Path dir, Map<String, String> env, String... args) {
        return ForgeProcess.run(dir, TIMEOUT, List.of(args), env);
    }

    private Path repo(Map<String, String> env) throws IOException {
        Path r = Files.createDirectories(tmp.resolve("repo"));
        run(r, env, "init").ok();
        return r;
    }

    /** Runs a POSIX sh script in {@code dir} (names as raw bytes: printf '\303\251'); returns its stdout. */
    static byte[] sh(Path dir, String script) {
        try {
            Path err = Files.createTempFile("sh-", ".err");
            Process p = new ProcessBuilder("/bin/sh", "-c", script)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(err.toFile())
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "sh did not finish: " + script);
            String e = Files.readString(err);
            Files.delete(err);
            assertEquals(0, p.exitValue(), () -> "sh failed: " + script + "\n" + e);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> paths(JsonNode changes) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : changes) out.add(n.path("path").asText());
        return out;
    }

    // ------------------------------------------------------------------ 1. names and locales

    /**
     * Under LANG=C the JVM would read é.wav and ü.wav as the same "??.wav" and one file's content was
     * lost with exit 0; the launcher runs the JVM under a UTF-8 locale, so both are kept, in every locale.
     */
    @ParameterizedTest
    @ValueSource(strings = {"C", "POSIX", "C.UTF-8"})
    void utf8NamesAreKeptApartInEveryLocale(String loc) throws IOException {
        Map<String, String> env = locale(loc);
        Path repo = repo(env);
        sh(repo, "printf one > \"$(printf '\\303\\251.wav')\"; printf two > \"$(printf '\\303\\274.wav')\"");
        run(repo, env, "add", ".").ok();
        ForgeProcess.Result st = run(repo, env, "status", "--json").ok();
        assertEquals(List.of("é.wav", "ü.wav"), paths(json(st).path("staged")), st::describe);
        run(repo, env, "commit", "-m", "two names").ok();
        run(repo, env, "checkout", "HEAD", "--into", "out").ok();
        Path out = repo.resolve("out");
        assertEquals("one", new String(sh(out, "cat \"$(printf '\\303\\251.wav')\""), UTF_8));
        assertEquals("two", new String(sh(out, "cat \"$(printf '\\303\\274.wav')\""), UTF_8));
        assertEquals("2\n", new String(sh(out, "ls | wc -l | tr -d ' '"), UTF_8));
    }

    /**
     * Two names that are not valid UTF-8 (x\377, x\376) decoded to the same String and became one
     * entry. They are skipped, each named with its bytes escaped, the rest is added, and the command
     * exits 12 (partial result); nothing with a replacement character ever reaches the stage.
     */
    @ParameterizedTest
    @ValueSource(strings = {"C", "C.UTF-8"})
    void namesThatAreNotUtf8AreSkippedAndNamedNeverMerged(String loc) throws IOException {
        Map<String, String> env = locale(loc);
        Path repo = repo(env);
        sh(repo, "printf ff > \"$(printf 'x\\377')\"; printf fe > \"$(printf 'x\\376')\"; printf ok > ok.txt");
        ForgeProcess.Result add =
                run(repo, env, "add", ".").expect(ExitCode.PARTIAL.code()).oneLineError();
        assertTrue(add.stderr().contains("\"x\\376\" (the name is not valid UTF-8: rename it)"), add::describe);
        assertTrue(add.stderr().contains("\"x\\377\" (the name is not valid UTF-8: rename it)"), add::describe);
        assertTrue(add.stdout().startsWith("Added 1 file"), add::describe);

        ForgeProcess.Result st = run(repo, env, "status", "--json").expect(ExitCode.PARTIAL.code());
        JsonNode s = json(st);
        assertEquals(List.of("ok.txt"), paths(s.path("staged")), st::describe);
        assertEquals(List.of("\"x\\376\"", "\"x\\377\""), paths(s.path("skipped")), st::describe);
        assertFalse(s.path("clean").asBoolean(), st::describe);
        assertFalse(st.stdout().contains("\ufffd"), st::describe);

        run(repo, env, "commit", "-m", "ok only").ok();
        run(repo, env, "checkout", "HEAD", "--into", "out").ok();
        assertEquals("ok.txt\n", new String(sh(repo.resolve("out"), "ls"), UTF_8));
    }

    // ------------------------------------------------------------------ 2. temporary files

    /** Checkout's temporary files live in .forge, so a user's file may have the name they once had. */
    @org.junit.jupiter.api.Test
    void aUsersFileNamedLikeATemporaryFileIsAddedLikeAnyOther() throws IOException {
        Path repo = repo(Map.of());
        Files.writeString(repo.resolve(".forge-tmp-x"), "mine");
        Files.createDirectories(repo.resolve("d"));
        Files.writeString(repo.resolve("d/.forge-tmp-1.part"), "mine too");
        run(repo, Map.of(), "add", ".").ok();
        ForgeProcess.Result st = run(repo, Map.of(), "status", "--json").ok();
        assertEquals(List.of(".forge-tmp-x", "d/.forge-tmp-1.part"), paths(json(st).path("staged")), st::describe);
    }

    /**
     * A checkout killed while it writes a large file leaves no temporary file among the user's files, and
     * the next command that opens the repository removes what it left in .forge/tmp.
     */
    @org.junit.jupiter.api.Test
    void aKilledCheckoutLeavesNothingInTheWorkTreeAndTheNextCommandCleansUp() throws Exception {
        Path repo = repo(Map.of());
        Path big = repo.resolve("big.bin");
        writeRandom(big, 192 << 20, 1);
        run(repo, Map.of(), "add", ".").ok();
        String v1 = json(run(repo, Map.of(), "commit", "-m", "v1", "--json").ok())
                .path("commit")
                .asText();
        writeRandom(big, 192 << 20, 2);
        run(repo, Map.of(), "add", ".").ok();
        String v2 = json(run(repo, Map.of(), "commit", "-m", "v2", "--json").ok())
                .path("commit")
                .asText();
        Path tmpDir = repo.resolve(".forge/tmp");
        boolean killedMidWrite = false;
        for (int attempt = 0; attempt < 4 && !killedMidWrite; attempt++) {
            ForgeProcess.Started s =
                    ForgeProcess.start(repo, List.of("checkout", attempt % 2 == 0 ? v1 : v2, "--force"));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (s.process().isAlive() && System.nanoTime() < deadline) {
                    if (temporaryFiles(tmpDir) > 0) {
                        ForgeProcess.killTree(s.process());
                        killedMidWrite = true;
                        break;
                    }
                    Thread.sleep(2);
                }
                if (s.process().isAlive()) ForgeProcess.killTree(s.process());
            } finally {
                s.cleanup();
            }
        }
        // Whatever happened, nothing of forge's is among the user's files.
        try (var all = Files.walk(repo)) {
            List<Path> stray = all.filter(p -> !p.startsWith(repo.resolve(".forge")))
                    .filter(p -> p.getFileName().toString().startsWith(".forge-tmp-"))
                    .toList();
            assertEquals(List.of(), stray);
        }
        // A leftover of a process that is gone, planted for certain, and whatever the kill left: the next
        // command removes them.
        Files.createDirectories(tmpDir);
        Files.writeString(tmpDir.resolve("wt-2147483646-123.part"), "left by a killed checkout");
        ForgeProcess.Result st = run(repo, Map.of(), "status", "--json").ok();
        assertFalse(st.stdout().contains(".forge-tmp"), st::describe);
        assertEquals(0, temporaryFiles(tmpDir), "temporary files left after the next command");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                killedMidWrite, "every checkout finished before a temporary file was seen; nothing killed mid-write");
    }

    private static long temporaryFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("wt-")).count();
        }
    }

    private static void writeRandom(Path p, int size, long seed) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(p)) {
            for (int done = 0; done < size; done += block.length) {
                r.nextBytes(block);
                out.write(block);
            }
        }
    }

    // ------------------------------------------------------------------ 3. symlinks and file/folder swaps

    /**
     * {@code add link/v.txt} through a symlinked folder added the file the link points to, outside the
     * tree, and {@code add .} then failed with "duplicate name in tree". A path through a symlink is
     * refused; the link itself is stored as a symlink and checked out as one.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aSymlinkedFolderIsStoredAsALinkAndNeverFollowed(boolean inside) throws IOException {
        Path repo = repo(Map.of());
        Path target = inside
                ? Files.createDirectories(repo.resolve("real"))
                : Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(target.resolve("v.txt"), "pointed at");
        Files.createSymbolicLink(repo.resolve("link"), target);
        ForgeProcess.Result r = run(repo, Map.of(), "add", "link/v.txt")
                .expect(ExitCode.USAGE.code())
                .oneLineError();
        assertTrue(r.stderr().contains("symbolic link 'link'"), r::describe);
        run(repo, Map.of(), "add", ".").ok();
        ForgeProcess.Result st = run(repo, Map.of(), "status", "--json").ok();
        assertEquals(
                inside ? List.of("link", "real/v.txt") : List.of("link"), paths(json(st).path("staged")), st::describe);
        run(repo, Map.of(), "commit", "-m", "a link").ok();
        Path out = tmp.resolve("out");
        run(repo, Map.of(), "checkout", "HEAD", "--into", out.toString()).ok();
        assertTrue(Files.isSymbolicLink(out.resolve("link")));
        assertEquals(target, Files.readSymbolicLink(out.resolve("link")));
        // rm of the folder's tracked files, after it became a link, never deletes what the link points to
        if (inside) {
            run(repo, Map.of(), "rm", "link/v.txt").expect(ExitCode.USAGE.code());
            assertTrue(Files.exists(target.resolve("v.txt")));
        }
    }

    /** A tracked folder replaced by a symlink: its files are gone from the tree, and rm deletes nothing out there. */
    @org.junit.jupiter.api.Test
    void aTrackedFolderReplacedByASymlinkIsNotFollowed() throws IOException {
        Path repo = repo(Map.of());
        Files.createDirectories(repo.resolve("d"));
        Files.writeString(repo.resolve("d/x"), "tracked");
        run(repo, Map.of(), "add", ".").ok();
        run(repo, Map.of(), "commit", "-m", "d/x").ok();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("x"), "someone else's");
        E2eFiles.deleteTree(repo.resolve("d"));
        Files.createSymbolicLink(repo.resolve("d"), outside);
        ForgeProcess.Result st = run(repo, Map.of(), "status", "--json").ok();
        assertEquals(List.of("d/x"), paths(json(st).path("unstaged")), st::describe);
        assertEquals("deleted", json(st).path("unstaged").get(0).path("change").asText(), st::describe);
        run(repo, Map.of(), "rm", "d").ok();
        assertEquals("someone else's", Files.readString(outside.resolve("x")));
        run(repo, Map.of(), "add", ".").ok();
        run(repo, Map.of(), "commit", "-m", "d is a link").ok();
        assertEquals("someone else's", Files.readString(outside.resolve("x")));
    }

    /** A tracked file that became a folder: adding a file in it replaces the entry instead of a duplicate name. */
    @org.junit.jupiter.api.Test
    void aFileThatBecameAFolderIsReplacedInTheStage() throws IOException {
        Path repo = repo(Map.of());
        Files.writeString(repo.resolve("a"), "a file");
        run(repo, Map.of(), "add", "a").ok();
        run(repo, Map.of(), "commit", "-m", "a").ok();
        Files.delete(repo.resolve("a"));
        Files.createDirectories(repo.resolve("a"));
        Files.writeString(repo.resolve("a/b"), "in a folder");
        run(repo, Map.of(), "add", "a/b").ok();
        ForgeProcess.Result st = run(repo, Map.of(), "status", "--json").ok();
        assertEquals(List.of("a", "a/b"), paths(json(st).path("staged")), st::describe);
        run(repo, Map.of(), "commit", "-m", "a is a folder").ok();
        // mv onto a path under a tracked file that is gone is refused, not recorded as a duplicate
        Files.writeString(repo.resolve("c"), "c");
        run(repo, Map.of(), "add", "c").ok();
        run(repo, Map.of(), "commit", "-m", "c").ok();
        Files.delete(repo.resolve("c"));
        Files.writeString(repo.resolve("x"), "x");
        run(repo, Map.of(), "add", "x").ok();
        ForgeProcess.Result mv = run(repo, Map.of(), "mv", "x", "c/x")
                .expect(ExitCode.WOULD_OVERWRITE.code())
                .oneLineError();
        assertTrue(mv.stderr().contains("'c' is a tracked file"), mv::describe);
        assertTrue(Files.exists(repo.resolve("x")));
    }

    /** A tracked file replaced by a folder of the user's files: checkout and restore refuse to delete it. */
    @org.junit.jupiter.api.Test
    void checkoutAndRestoreNeverDeleteAFolderInTheWayOfAFile() throws IOException {
        Path repo = repo(Map.of());
        Files.writeString(repo.resolve("a"), "v1");
        run(repo, Map.of(), "add", "a").ok();
        String v1 = json(run(repo, Map.of(), "commit", "-m", "v1", "--json").ok())
                .path("commit")
                .asText();
        Files.writeString(repo.resolve("a"), "v2");
        run(repo, Map.of(), "add", "a").ok();
        run(repo, Map.of(), "commit", "-m", "v2").ok();
        Files.delete(repo.resolve("a"));
        Files.createDirectories(repo.resolve("a"));
        Files.writeString(repo.resolve("a/mine.txt"), "mine");
        ForgeProcess.Result co = run(repo, Map.of(), "checkout", v1)
                .expect(ExitCode.WOULD_OVERWRITE.code())
                .oneLineError();
        assertTrue(co.stderr().contains("a (a folder)"), co::describe);
        ForgeProcess.Result rs = run(repo, Map.of(), "restore", "a")
                .expect(ExitCode.WOULD_OVERWRITE.code())
                .oneLineError();
        assertTrue(rs.stderr().contains("a folder is in the way"), rs::describe);
        assertEquals("mine", Files.readString(repo.resolve("a/mine.txt")));
        run(repo, Map.of(), "checkout", v1, "--force").ok();
        assertEquals("v1", Files.readString(repo.resolve("a")));
    }

    // ------------------------------------------------------------------ 4. unreadable files, long paths

    /**
     * How to run forge so that permissions apply: directly when this test is not root, through setpriv
     * as user and group 65534 (nobody) when it is; null when neither is possible.
     */
    private static List<String> unprivileged() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) return List.of();
        for (String p : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (Files.isExecutable(Path.of(p)))
                return List.of(p, "--reuid=65534", "--regid=65534", "--clear-groups", "--");
        }
        return null;
    }

    /**
     * An unreadable file or folder stopped add and status with a message that gave no reason. They are
     * skipped and named with the reason (exit 12), the rest is done, and tracked files that could not
     * be looked at are neither dropped from the stage nor reported as deleted.
     */
    @org.junit.jupiter.api.Test
    void unreadableFilesAndFoldersAreSkippedWithTheReasonAndTrackedOnesKept() throws IOException {
        List<String> as = unprivileged();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                as != null, "running as root without setpriv: cannot make a file unreadable to forge");
        // @TempDir is private to this user; the unprivileged user needs a folder of its own.
        Path base = Files.createTempDirectory("forge-unreadable-");
        try {
            Path repo = Files.createDirectories(base.resolve("repo"));
            Files.writeString(repo.resolve("a.txt"), "a\n");
            Files.writeString(repo.resolve("tracked.txt"), "t1\n");
            Files.createDirectories(repo.resolve("d/e"));
            Files.writeString(repo.resolve("d/e/x"), "x\n");
            if (!as.isEmpty()) sh(base, "chown -R 65534:65534 .");
            Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> env = Map.of("HOME", base.toString(), "FORGE_NO_AOT", "1");
            ForgeProcess.runWrapped(as, repo, List.of("init"), env).ok();
            ForgeProcess.runWrapped(as, repo, List.of("add", "."), env).ok();
            ForgeProcess.runWrapped(as, repo, List.of("commit", "-m", "one"), env)
                    .ok();
            // same size, new content: only reading it tells
            sh(
                    repo,
                    "printf 't2\\n' > tracked.txt; printf 's\\n' > secret.txt; "
                            + (as.isEmpty() ? "" : "chown 65534:65534 secret.txt; ")
                            + "touch -d '2001-01-01' tracked.txt; chmod 000 tracked.txt secret.txt d");

            ForgeProcess.Result st = ForgeProcess.runWrapped(as, repo, List.of("status", "--json"), env)
                    .expect(ExitCode.PARTIAL.code());
            JsonNode s = json(st);
            assertEquals(List.of("d", "tracked.txt"), paths(s.path("skipped")), st::describe);
            assertEquals(
                    "permission denied", s.path("skipped").get(0).path("reason").asText(), st::describe);
            assertEquals(List.of(), paths(s.path("unstaged")), st::describe);
            assertEquals(List.of("secret.txt"), textList(s.path("untracked")), st::describe);

            ForgeProcess.Result add = ForgeProcess.runWrapped(as, repo, List.of("add", "."), env)
                    .expect(ExitCode.PARTIAL.code())
                    .oneLineError();
            for (String p : List.of(
                    "d (permission denied)", "secret.txt (permission denied)", "tracked.txt (permission denied)"))
                assertTrue(add.stderr().contains(p), add::describe);
            sh(repo, "chmod 755 d; chmod 644 tracked.txt secret.txt");
            // nothing was dropped: d/e/x and tracked.txt are still staged as committed
            ForgeProcess.Result after = ForgeProcess.runWrapped(as, repo, List.of("status", "--json"), env)
                    .ok();
            JsonNode a = json(after);
            assertEquals(List.of(), paths(a.path("staged")), after::describe);
            assertEquals(List.of("tracked.txt"), paths(a.path("unstaged")), after::describe);
            assertEquals(List.of("secret.txt"), textList(a.path("untracked")), after::describe);
        } finally {
            sh(base, "chmod -R u+rwx . 2>/dev/null; true");
            E2eFiles.deleteTree(base);
        }
    }

    /** A path over the system's 4096 bytes anywhere stopped status and add: it is skipped and named. */
    @org.junit.jupiter.api.Test
    void aPathLongerThanTheSystemAllowsIsSkippedAndNamed() throws IOException {
        Path repo = repo(Map.of());
        Files.writeString(repo.resolve("a.txt"), "a\n");
        String name = "d".repeat(250);
        sh(
                repo,
                "for i in $(seq 20); do mkdir " + name + " && cd -P " + name
                        + " || exit 1; done; echo deep > deep.txt");
        ForgeProcess.Result add =
                run(repo, Map.of(), "add", ".").expect(ExitCode.PARTIAL.code()).oneLineError();
        assertTrue(add.stderr().contains("the path is too long for the system"), add::describe);
        assertTrue(add.stdout().startsWith("Added 1 file"), add::describe);
        ForgeProcess.Result st = run(repo, Map.of(), "status", "--json").expect(ExitCode.PARTIAL.code());
        JsonNode s = json(st);
        assertEquals(List.of("a.txt"), paths(s.path("staged")), st::describe);
        assertEquals(1, s.path("skipped").size(), st::describe);
        assertTrue(s.path("skipped").get(0).path("path").asText().startsWith(name + "/" + name), st::describe);
        run(repo, Map.of(), "commit", "-m", "what fits").ok();
        // @TempDir cannot delete what Java cannot name; rm can (it walks relative paths).
        sh(repo, "rm -rf " + name);
    }

    private static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asText());
        return out;
    }

    // ------------------------------------------------------------------ 6. an empty .forge, init leftovers

    /**
     * With an empty .forge, status said to run forge init and init said a repository already exists.
     * Now status says it is empty (exit 3) and init sets it up; one with files but no config is damaged:
     * exit 5, and init leaves it alone.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anEmptyOrIncompleteForgeFolderIsSetUpByInit(boolean withEmptyFolders) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Files.createDirectories(dir.resolve(".forge"));
        if (withEmptyFolders) {
            Files.createDirectories(dir.resolve(".forge/packs"));
            Files.createDirectories(dir.resolve(".forge/tmp"));
        }
        Files.writeString(dir.resolve("a.txt"), "a");
        ForgeProcess.Result st = run(dir, Map.of(), "status")
                .expect(ExitCode.NOT_A_REPOSITORY.code())
                .oneLineError();
        assertTrue(st.stderr().contains(".forge is empty or incomplete; run 'forge init'"), st::describe);
        run(dir, Map.of(), "init").ok();
        run(dir, Map.of(), "add", ".").ok();
        run(dir, Map.of(), "commit", "-m", "works").ok();
        run(dir, Map.of(), "init").expect(ExitCode.FAILURE.code()).oneLineError();
    }

    @org.junit.jupiter.api.Test
    void aForgeFolderWithFilesButNoConfigIsDamagedAndInitLeavesItAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Files.createDirectories(dir.resolve(".forge/packs"));
        Files.writeString(dir.resolve(".forge/packs/0123.pack"), "someone's data");
        ForgeProcess.Result st =
                run(dir, Map.of(), "status").expect(ExitCode.INTEGRITY.code()).oneLineError();
        assertTrue(st.stderr().contains(".forge/config is missing"), st::describe);
        ForgeProcess.Result init =
                run(dir, Map.of(), "init").expect(ExitCode.FAILURE.code()).oneLineError();
        assertTrue(init.stderr().contains("damaged"), init::describe);
        assertEquals("someone's data", Files.readString(dir.resolve(".forge/packs/0123.pack")));
    }

    /**
     * A killed init or clone leaves a .forge-init-* folder: it is never added, the next command that
     * opens the repository removes it, and a rerun of a clone into that folder works. A user's own
     * folder of that name is kept and added.
     */
    @org.junit.jupiter.api.Test
    void whatAKilledInitLeftIsNeverAddedAndIsCleanedUp() throws IOException {
        // What a killed init leaves: what init builds (config, index, packs, tmp) in .forge-init-*, not
        // yet renamed to .forge (taken from a fresh repository, minus what opening it added).
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        run(scratch, Map.of(), "init").ok();
        Path dir = Files.createDirectories(tmp.resolve("w"));
        stagingOf(scratch, dir.resolve(".forge-init-4242"));
        Files.createDirectories(dir.resolve(".forge-init-mine"));
        Files.writeString(dir.resolve(".forge-init-mine/notes.txt"), "mine");
        run(dir, Map.of(), "status").expect(ExitCode.NOT_A_REPOSITORY.code());
        run(dir, Map.of(), "init").ok();
        assertFalse(Files.exists(dir.resolve(".forge-init-4242")));
        run(dir, Map.of(), "add", ".").ok();
        ForgeProcess.Result st = run(dir, Map.of(), "status", "--json").ok();
        assertEquals(List.of(".forge-init-mine/notes.txt"), paths(json(st).path("staged")), st::describe);
        run(dir, Map.of(), "commit", "-m", "one").ok();

        // A clone killed after its init: the folder holds only the leftover, and a rerun clones there.
        Path remote = tmp.resolve("remote");
        run(dir, Map.of(), "remote", "add", "origin", remote.toString()).ok();
        run(dir, Map.of(), "push").ok();
        Path again = Files.createDirectories(tmp.resolve("again"));
        stagingOf(scratch, again.resolve(".forge-init-77"));
        run(tmp, Map.of(), "clone", remote.toString(), again.toString()).ok();
        assertFalse(Files.exists(again.resolve(".forge-init-77")));
        assertEquals("mine", Files.readString(again.resolve(".forge-init-mine/notes.txt")));
    }

    // ------------------------------------------------------------------ 5. terminal escapes in names

    /**
     * {@code status} printed a name holding an escape sequence raw, so a file could recolour or retitle
     * the user's terminal. Every printer of paths quotes such a name as git does, errors and commit
     * messages show their control characters escaped, and JSON keeps the real name.
     */
    @org.junit.jupiter.api.Test
    void escapeSequencesInNamesAndMessagesNeverReachTheTerminalRaw() throws IOException {
        Path repo = repo(Map.of());
        String evil = "esc\u001b[31mred\u001b]0;owned\u0007.txt";
        String quoted = "\"esc\\033[31mred\\033]0;owned\\a.txt\"";
        Files.writeString(repo.resolve(evil), "one\n");
        Files.writeString(repo.resolve("plain.txt"), "plain\n");
        List<ForgeProcess.Result> printed = new ArrayList<>();
        printed.add(run(repo, Map.of(), "status").ok());
        run(repo, Map.of(), "add", ".").ok();
        printed.add(run(repo, Map.of(), "status").ok());
        ForgeProcess.Result js = run(repo, Map.of(), "status", "--json").ok();
        assertEquals(List.of(evil, "plain.txt"), paths(json(js).path("staged")), js::describe);
        run(repo, Map.of(), "commit", "-m", "title \u001b]0;pwned\u0007 and \u001b[2J")
                .ok();
        printed.add(run(repo, Map.of(), "log").ok());
        Files.writeString(repo.resolve(evil), "two\n");
        printed.add(run(repo, Map.of(), "diff").ok());
        printed.add(run(repo, Map.of(), "diff", "--stat").ok());
        printed.add(run(repo, Map.of(), "status").ok());
        printed.add(run(repo, Map.of(), "add", "missing\u001b[2J").expect(ExitCode.NOT_FOUND.code()));
        printed.add(run(repo, Map.of(), "rm", "--cached", evil).ok());
        for (ForgeProcess.Result r : printed) {
            assertFalse(r.output().contains("\u001b"), () -> "raw ESC in: " + r.describe());
            assertFalse(r.output().contains("\u0007"), () -> "raw BEL in: " + r.describe());
        }
        assertTrue(printed.get(0).stdout().contains("        " + quoted + "\n"), printed.get(0)::describe);
        assertTrue(printed.get(1).stdout().contains("new file:    " + quoted), printed.get(1)::describe);
        assertTrue(printed.get(2).stdout().contains("title \\033]0;pwned\\a and \\033[2J"), printed.get(2)::describe);
        assertTrue(printed.get(3).stdout().contains("--- \"a/esc\\033[31m"), printed.get(3)::describe);
        assertTrue(printed.get(4).stdout().contains(" " + quoted + " |"), printed.get(4)::describe);
        assertTrue(printed.get(5).stdout().contains("modified:    " + quoted), printed.get(5)::describe);
        assertTrue(printed.get(6).stderr().contains("missing\\033[2J"), printed.get(6)::describe);
        assertTrue(printed.get(7).stdout().contains("rm '" + quoted + "'"), printed.get(7)::describe);
    }

    /** Copies what init builds before its rename (config, index, packs, tmp) from {@code repo}'s .forge to {@code to}. */
    private static void stagingOf(Path repo, Path to) throws IOException {
        Files.createDirectories(to);
        for (String name : List.of("config", "index", "packs", "tmp")) {
            Path from = repo.resolve(".forge").resolve(name);
            if (Files.isDirectory(from)) {
                Files.createDirectories(to.resolve(name));
                try (var s = Files.list(from)) {
                    for (Path f : (Iterable<Path>) s::iterator)
                        if (Files.isRegularFile(f))
                            Files.copy(f, to.resolve(name).resolve(f.getFileName()));
                }
            } else {
                Files.copy(from, to.resolve(name));
            }
        }
    }
}
