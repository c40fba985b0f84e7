package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static dev.forge.cli.e2e.ForgeProcess.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.cli.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, one-line errors and the everyday behaviour of each command, through dist/forge. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommandsIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    private Path repo() {
        Path r = tmp.resolve("repo");
        try {
            Files.createDirectories(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        run(r, "init").ok();
        return r;
    }

    private static void write(Path p, String s) throws IOException {
        write(p, s.getBytes(UTF_8));
    }

    private static void write(Path p, byte[] b) throws IOException {
        if (p.getParent() != null) Files.createDirectories(p.getParent());
        Files.write(p, b);
    }

    private static String commit(Path repo, String msg) {
        JsonNode n = json(run(repo, "commit", "-m", msg, "--json").ok());
        assertTrue(n.path("committed").asBoolean(), n::toString);
        return n.path("commit").asText();
    }

    private static String addAndCommit(Path repo, String msg) {
        run(repo, "add", ".").ok();
        return commit(repo, msg);
    }

    /**
     * What a checkout killed while moving files leaves: one file moved aside under {@code .forge/tmp} and
     * the journal steps that say so (docs/format.md, {@code worktree-journal}), written here by hand. The
     * next command that opens the repository (status too: it takes the lock where it can write) puts the
     * file back before it looks.
     */
    @Test
    void aWorkTreeChangeKilledHalfWayIsUndoneByTheNextCommand() throws IOException {
        Path repo = repo();
        write(repo.resolve("shots/a.txt"), "take 1\n");
        addAndCommit(repo, "one");
        int ops = json(run(repo, "op", "log", "-n", "1000", "--json").ok()).size();
        Path tmpDir = Files.createDirectories(repo.resolve(".forge/tmp"));
        String aside = "wt-999999999-1.part";
        Files.move(repo.resolve("shots/a.txt"), tmpDir.resolve(aside));
        Files.delete(repo.resolve("shots"));
        java.io.ByteArrayOutputStream j = new java.io.ByteArrayOutputStream();
        j.write(new byte[] {'F', 'W', 'J', '1'});
        journalRecord(j, 0, Integer.toString(ops), null, null); // HEADER: the op log as it stood
        journalRecord(j, 2, "shots/a.txt", null, aside); // ASIDE
        journalRecord(j, 4, "shots", null, null); // RMDIR
        Files.write(repo.resolve(".forge/worktree-journal"), j.toByteArray());

        ForgeProcess.Result st = run(repo, "status", "--json").ok();
        assertTrue(json(st).path("clean").asBoolean(), st::describe);
        assertFalse(json(st).path("interrupted").asBoolean(), st::describe);
        assertEquals("take 1\n", Files.readString(repo.resolve("shots/a.txt")));
        assertFalse(Files.exists(repo.resolve(".forge/worktree-journal")));
        assertFalse(Files.exists(tmpDir.resolve(aside)));
    }

    /** One journal record: u32 length, payload (u8 kind, three i32-length-prefixed UTF-8 strings), u32 CRC32C. */
    private static void journalRecord(java.io.ByteArrayOutputStream out, int kind, String a, String b, String c) {
        java.nio.ByteBuffer p = java.nio.ByteBuffer.allocate(1024).put((byte) kind);
        for (String x : new String[] {a, b, c}) {
            if (x == null) {
                p.putInt(-1);
            } else {
                byte[] u = x.getBytes(UTF_8);
                p.putInt(u.length).put(u);
            }
        }
        byte[] payload = java.util.Arrays.copyOf(p.array(), p.position());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(payload);
        java.nio.ByteBuffer r = java.nio.ByteBuffer.allocate(payload.length + 8)
                .putInt(payload.length)
                .put(payload)
                .putInt((int) crc.getValue());
        out.writeBytes(r.array());
    }

    // ------------------------------------------------------------------ exit codes and errors

    @Test
    void statusOutsideARepositoryExits3WithOneLine() throws IOException {
        Path nowhere = Files.createDirectories(tmp.resolve("not-a-repo"));
        ForgeProcess.Result r =
                run(nowhere, "status").expect(ExitCode.NOT_A_REPOSITORY.code()).oneLineError();
        assertTrue(r.stderr().contains("not a forge repository"), r::describe);
        assertEquals("", r.stdout(), r::describe);
    }

    @Test
    void addOfAMissingPathExits4() {
        Path repo = repo();
        ForgeProcess.Result r = run(repo, "add", "missing.bin")
                .expect(ExitCode.NOT_FOUND.code())
                .oneLineError();
        assertTrue(r.stderr().contains("missing.bin"), r::describe);
    }

    @Test
    void unknownOptionExits2() {
        Path repo = repo();
        ForgeProcess.Result r = run(repo, "status", "--frobnicate").expect(ExitCode.USAGE.code());
        List<String> lines = r.stderr().strip().lines().toList();
        assertTrue(lines.get(0).startsWith("forge: ") && lines.get(0).contains("--frobnicate"), r::describe);
        assertTrue(lines.size() <= 2, () -> "at most an error line and a usage hint: " + r.describe());
    }

    @Test
    void unknownCommandExits2() {
        Path repo = repo();
        ForgeProcess.Result r = run(repo, "frobnicate").expect(ExitCode.USAGE.code());
        List<String> lines = r.stderr().strip().lines().toList();
        assertTrue(lines.get(0).startsWith("forge: ") && lines.get(0).contains("frobnicate"), r::describe);
        assertTrue(lines.size() <= 2, () -> "at most an error line and a usage hint: " + r.describe());
    }

    @Test
    void checkoutOfAnUnknownRevisionExits4() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        addAndCommit(repo, "one");
        ForgeProcess.Result r = run(repo, "checkout", "nosuchrev")
                .expect(ExitCode.NOT_FOUND.code())
                .oneLineError();
        assertTrue(r.stderr().contains("nosuchrev"), r::describe);
        assertEquals("a\n", Files.readString(repo.resolve("a.txt")));
    }

    @Test
    void showOfAMissingPathExits4() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        addAndCommit(repo, "one");
        ForgeProcess.Result r = run(repo, "show", "HEAD:missing")
                .expect(ExitCode.NOT_FOUND.code())
                .oneLineError();
        assertTrue(r.stderr().contains("missing"), r::describe);
        assertEquals(0, r.stdoutBytes().length, r::describe);
    }

    @Test
    void showWritesTheExactBytes() throws IOException {
        Path repo = repo();
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        // 256 values, then 3 MiB of seeded noise (several chunks), then the 256 values again, CR LF included
        byte[] noise = new byte[3 << 20];
        new Random(256).nextBytes(noise);
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        big.write(all);
        big.write(noise);
        big.write(all);
        big.write("\r\n\n\r".getBytes(UTF_8));
        write(repo.resolve("bin/all256.bin"), all);
        write(repo.resolve("bin/big.bin"), big.toByteArray());
        addAndCommit(repo, "binary");

        assertArrayEquals(all, run(repo, "show", "HEAD:bin/all256.bin").ok().stdoutBytes(), "show HEAD:bin/all256.bin");
        assertArrayEquals(
                big.toByteArray(), run(repo, "show", "HEAD:bin/big.bin").ok().stdoutBytes(), "show HEAD:bin/big.bin");
        // from a subdirectory, the path is still relative to the root
        assertArrayEquals(
                all,
                run(repo.resolve("bin"), "show", "HEAD:bin/all256.bin").ok().stdoutBytes(),
                "show from a subdirectory");
    }

    @Test
    void checkoutRefusesToOverwriteAModifiedFileUntilForced() throws IOException {
        Path repo = repo();
        Path f = repo.resolve("shot.txt");
        write(f, "take 1\n");
        String c1 = addAndCommit(repo, "take 1");
        write(f, "take 2\n");
        String c2 = addAndCommit(repo, "take 2");
        write(f, "uncommitted edit\n");

        ForgeProcess.Result r = run(repo, "checkout", "HEAD~1")
                .expect(ExitCode.WOULD_OVERWRITE.code())
                .oneLineError();
        assertTrue(r.stderr().contains("shot.txt"), () -> "the error should name the file: " + r.describe());
        assertEquals("uncommitted edit\n", Files.readString(f), "the modified file must be untouched");
        JsonNode s = json(run(repo, "status", "--json").ok());
        assertEquals(c2, s.path("head").asText(), () -> "HEAD must not move on a refused checkout: " + s);
        assertEquals("main", s.path("branch").asText(), s::toString);

        run(repo, "checkout", "HEAD~1", "--force").ok();
        assertEquals("take 1\n", Files.readString(f), "--force must write the old content");
        JsonNode s2 = json(run(repo, "status", "--json").ok());
        assertEquals(c1, s2.path("head").asText(), s2::toString);
        assertTrue(s2.path("clean").asBoolean(), () -> "clean after a forced checkout: " + s2);
    }

    @Test
    void checkoutRefusesToOverwriteAnUntrackedFile() throws IOException {
        Path repo = repo();
        write(repo.resolve("keep.txt"), "keep\n");
        write(repo.resolve("old/plate.txt"), "committed plate\n");
        addAndCommit(repo, "with plate");
        Files.delete(repo.resolve("old/plate.txt"));
        Files.delete(repo.resolve("old"));
        String c2 = addAndCommit(repo, "without plate");
        assertFalse(Files.exists(repo.resolve("old/plate.txt")));

        write(repo.resolve("old/plate.txt"), "someone's untracked work\n");
        ForgeProcess.Result r = run(repo, "checkout", "HEAD~1")
                .expect(ExitCode.WOULD_OVERWRITE.code())
                .oneLineError();
        assertTrue(r.stderr().contains("old/plate.txt"), () -> "the error should name the file: " + r.describe());
        assertEquals(
                "someone's untracked work\n",
                Files.readString(repo.resolve("old/plate.txt")),
                "the untracked file must be untouched");
        assertEquals(c2, json(run(repo, "status", "--json").ok()).path("head").asText(), "HEAD must not move");
    }

    @Test
    void commitWithNothingStagedExits1() throws IOException {
        Path repo = repo();
        ForgeProcess.Result empty = run(repo, "commit", "-m", "nothing yet").expect(ExitCode.FAILURE.code());
        assertTrue(empty.output().toLowerCase(Locale.ROOT).contains("nothing to commit"), empty::describe);

        write(repo.resolve("a.txt"), "a\n");
        addAndCommit(repo, "one");
        ForgeProcess.Result again = run(repo, "commit", "-m", "again").expect(ExitCode.FAILURE.code());
        assertTrue(again.output().toLowerCase(Locale.ROOT).contains("nothing to commit"), again::describe);
        assertEquals(1, json(run(repo, "log", "--json").ok()).size(), "no commit may have been made");

        // --allow-empty does commit
        run(repo, "commit", "-m", "empty on purpose", "--allow-empty").ok();
        assertEquals(2, json(run(repo, "log", "--json").ok()).size());
    }

    @Test
    void logJsonNamesTheRightCommit() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        run(repo, "add", ".").ok();
        String c1 = json(run(repo, "commit", "-m", "first", "--author", "Ada Lovelace <ada@example.com>", "--json")
                        .ok())
                .path("commit")
                .asText();
        write(repo.resolve("b.txt"), "b\n");
        run(repo, "add", "b.txt").ok();
        String c2 = json(run(
                                repo,
                                "commit",
                                "-m",
                                "second\n\nwith a body",
                                "--author",
                                "Grace Hopper <grace@example.com>",
                                "--json")
                        .ok())
                .path("commit")
                .asText();
        assertNotEquals(c1, c2);

        JsonNode one = json(run(repo, "log", "-n", "1", "--json").ok());
        assertTrue(one.isArray(), one::toString);
        assertEquals(1, one.size(), one::toString);
        JsonNode e = one.get(0);
        assertEquals(c2, e.path("commit").asText());
        assertEquals(List.of(c1), List.of(e.path("parents").get(0).asText()));
        assertEquals(1, e.path("parents").size());
        assertEquals("Grace Hopper <grace@example.com>", e.path("author").asText());
        assertEquals("second\n\nwith a body", e.path("message").asText());
        assertTrue(e.path("tree").asText().matches("[0-9a-f]{64}"), e::toString);
        assertTrue(e.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*"), e::toString);

        JsonNode all = json(run(repo, "log", "--json").ok());
        assertEquals(2, all.size());
        assertEquals(c1, all.get(1).path("commit").asText());
        assertEquals(0, all.get(1).path("parents").size());
        assertEquals(
                c1,
                json(run(repo, "log", "-n", "1", "--json", "HEAD~1").ok())
                        .get(0)
                        .path("commit")
                        .asText());
    }

    @Test
    void statusJsonReportsEveryKindOfChange() throws IOException {
        Path repo = repo();
        JsonNode fresh = json(run(repo, "status", "--json").ok());
        assertEquals("main", fresh.path("branch").asText(), fresh::toString);
        assertTrue(fresh.path("head").isNull(), fresh::toString);

        write(repo.resolve("a.txt"), "a\n");
        write(repo.resolve("b.txt"), "b\n");
        write(repo.resolve("gone.txt"), "gone\n");
        String c1 = addAndCommit(repo, "one");
        write(repo.resolve("a.txt"), "a, modified and staged\n");
        write(repo.resolve("c.txt"), "new and staged\n");
        run(repo, "add", "a.txt", "c.txt").ok();
        write(repo.resolve("b.txt"), "b, modified, not staged\n");
        Files.delete(repo.resolve("gone.txt"));
        write(repo.resolve("u.txt"), "untracked\n");

        JsonNode s = json(run(repo, "status", "--json").ok());
        assertEquals("main", s.path("branch").asText(), s::toString);
        assertEquals(c1, s.path("head").asText(), s::toString);
        assertFalse(s.path("clean").asBoolean(), s::toString);
        assertEquals(Map.of("a.txt", "modified", "c.txt", "added"), changes(s.path("staged")), s::toString);
        assertEquals(Map.of("b.txt", "modified", "gone.txt", "deleted"), changes(s.path("unstaged")), s::toString);
        assertEquals(List.of("u.txt"), List.of(s.path("untracked").get(0).asText()), s::toString);
        assertEquals(1, s.path("untracked").size(), s::toString);

        run(repo, "add", ".").ok();
        commit(repo, "two");
        JsonNode clean = json(run(repo, "status", "--json").ok());
        assertTrue(clean.path("clean").asBoolean(), clean::toString);
        assertEquals(
                0,
                clean.path("staged").size()
                        + clean.path("unstaged").size()
                        + clean.path("untracked").size(),
                clean::toString);
    }

    /**
     * Output meant for scripts does not depend on the user's locale: under a Turkish one, lower-casing
     * "MODIFIED" with the default locale gives "modıfıed", and %.2f prints a decimal comma.
     */
    @Test
    void outputIsTheSameUnderATurkishLocale() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        write(repo.resolve("b.txt"), "b\n");
        addAndCommit(repo, "one");
        write(repo.resolve("a.txt"), "a, modified\n");
        write(repo.resolve("c.txt"), "c\n");
        run(repo, "add", "c.txt").ok();
        Map<String, String> turkish = Map.of(
                "FORGE_JAVA_OPTS",
                "-Duser.language=tr -Duser.country=TR",
                "LANG",
                "tr_TR.UTF-8",
                "LC_ALL",
                "tr_TR.UTF-8");
        ForgeProcess.Result r = ForgeProcess.run(
                        repo, ForgeProcess.DEFAULT_TIMEOUT, List.of("status", "--json"), turkish)
                .ok();
        JsonNode s = json(r);
        assertEquals(Map.of("a.txt", "modified"), changes(s.path("unstaged")), r::describe);
        assertEquals(Map.of("c.txt", "added"), changes(s.path("staged")), r::describe);
        ForgeProcess.Result stats = ForgeProcess.run(repo, ForgeProcess.DEFAULT_TIMEOUT, List.of("stats"), turkish)
                .ok();
        assertTrue(
                Pattern.compile("deduplication ratio: +\\d+\\.\\d\\dx")
                        .matcher(stats.stdout())
                        .find(),
                stats::describe);
    }

    private static Map<String, String> changes(JsonNode array) {
        Map<String, String> m = new HashMap<>();
        for (JsonNode n : array) m.put(n.path("path").asText(), n.path("change").asText());
        return m;
    }

    @Test
    void helpExitCodesListsEveryCode() {
        Path dir = tmp;
        ForgeProcess.Result r = run(dir, "help", "exit-codes").ok();
        for (ExitCode c : ExitCode.values()) {
            Pattern line = Pattern.compile("(?m)^\\s*" + c.code() + "\\s+" + Pattern.quote(c.meaning()) + "\\s*$");
            assertTrue(
                    line.matcher(r.stdout()).find(),
                    () -> "exit code " + c.code() + " (" + c.meaning() + ") is not listed: " + r.describe());
        }
        for (int code : new int[] {0, 1, 2, 3, 4, 5, 6, 11}) {
            assertTrue(
                    Pattern.compile("(?m)^\\s*" + code + "\\s+\\S")
                            .matcher(r.stdout())
                            .find(),
                    "code " + code + " missing");
        }
    }

    @Test
    void initInAnExistingRepositoryFails() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        String c1 = addAndCommit(repo, "one");
        ForgeProcess.Result r = run(repo, "init");
        assertNotEquals(0, r.exitCode(), r::describe);
        r.oneLineError();
        assertEquals(
                c1,
                json(run(repo, "status", "--json").ok()).path("head").asText(),
                "the existing repository must be intact");
        ForgeProcess.Result sub = run(repo, "init", ".");
        assertNotEquals(0, sub.exitCode(), sub::describe);
        run(repo, "fsck").ok();
    }

    @Test
    void forgeignoreExcludesPatternsAndDirectories() throws IOException {
        Path repo = repo();
        write(repo.resolve(".forgeignore"), "# scratch\n*.tmp\ncache/\n");
        write(repo.resolve("keep.txt"), "keep\n");
        write(repo.resolve("render.tmp"), "tmp\n");
        write(repo.resolve("shots/010/frame.tmp"), "tmp\n");
        write(repo.resolve("shots/010/frame.exr"), "exr\n");
        write(repo.resolve("cache/a.bin"), "cached\n");
        write(repo.resolve("shots/cache/b.bin"), "cached\n");
        write(repo.resolve("notes/cache"), "a file named cache is not a directory\n");
        write(repo.resolve("cachefile.txt"), "kept\n");

        JsonNode before = json(run(repo, "status", "--json").ok());
        Set<String> untracked = new TreeSet<>();
        before.path("untracked").forEach(n -> untracked.add(n.asText()));
        for (String u : untracked) {
            assertFalse(
                    u.endsWith(".tmp") || u.startsWith("cache") && !u.equals("cachefile.txt") || u.contains("/cache/"),
                    () -> "status lists an ignored path: " + before);
        }
        run(repo, "add", ".").ok();
        commit(repo, "with ignores");
        JsonNode after = json(run(repo, "status", "--json").ok());
        assertTrue(after.path("clean").asBoolean(), () -> "ignored files must not show up as untracked: " + after);

        run(repo, "checkout", "HEAD", "--into", "../out").ok();
        assertEquals(
                Set.of(".forgeignore", "keep.txt", "shots/010/frame.exr", "notes/cache", "cachefile.txt"),
                E2eFiles.files(tmp.resolve("out")).keySet(),
                "the committed files");
    }

    @Test
    void gitRepositoriesInTheWorkTreeAreNeverAddedOrListed() throws Exception {
        Path repo = repo();
        write(repo.resolve(".forgeignore"), "!.git/\n");
        write(repo.resolve("scene.blend"), "scene\n");
        write(repo.resolve(".gitignore"), "*.blend\n");
        write(repo.resolve("tools/plugin/main.py"), "print()\n");
        git(repo, "init", "-q");
        git(repo, "add", ".gitignore");
        git(repo, "commit", "-q", "-m", "git's own history");
        git(repo.resolve("tools/plugin"), "init", "-q");
        git(repo.resolve("tools/plugin"), "add", "main.py");
        git(repo.resolve("tools/plugin"), "commit", "-q", "-m", "a nested git repository");
        assertTrue(
                Files.isRegularFile(repo.resolve(".git/HEAD")) && Files.isDirectory(repo.resolve("tools/plugin/.git")));

        JsonNode before = json(run(repo, "status", "--json").ok());
        assertEquals(
                Set.of(".forgeignore", ".gitignore", "scene.blend", "tools/plugin/main.py"),
                strings(before.path("untracked")),
                before::toString);
        run(repo, "add", ".").ok();
        JsonNode after = json(run(repo, "status", "--json").ok());
        assertEquals(
                Set.of(".forgeignore", ".gitignore", "scene.blend", "tools/plugin/main.py"),
                changes(after.path("staged")).keySet(),
                after::toString);
        assertEquals(0, after.path("unstaged").size() + after.path("untracked").size(), after::toString);
        assertFalse(after.toString().contains(".git/"), after::toString);

        ForgeProcess.Result named = run(repo, "add", "tools/plugin/.git")
                .expect(ExitCode.USAGE.code())
                .oneLineError();
        assertTrue(named.stderr().contains("tools/plugin/.git"), named::describe);
        commit(repo, "one");
        run(repo, "checkout", "HEAD", "--into", "../out").ok();
        assertEquals(
                Set.of(".forgeignore", ".gitignore", "scene.blend", "tools/plugin/main.py"),
                E2eFiles.files(tmp.resolve("out")).keySet());
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> s = new TreeSet<>();
        array.forEach(n -> s.add(n.asText()));
        return s;
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd =
                new java.util.ArrayList<>(List.of("git", "-c", "user.name=E2E", "-c", "user.email=e2e@forge.invalid"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertEquals(0, p.waitFor(), () -> cmd + " failed: " + out);
    }

    @Test
    void restorePutsBackAModifiedFile() throws IOException {
        Path repo = repo();
        Path f = repo.resolve("mix/final.wav");
        write(f, "original mix\n");
        write(repo.resolve("mix/other.wav"), "other\n");
        addAndCommit(repo, "one");
        write(f, "accidental edit\n");
        run(repo, "restore", "mix/final.wav").ok();
        assertEquals("original mix\n", Files.readString(f));

        Files.delete(f);
        run(repo.resolve("mix"), "restore", "final.wav").ok();
        assertEquals("original mix\n", Files.readString(f), "restore relative to a subdirectory");

        write(f, "second mix\n");
        addAndCommit(repo, "two");
        run(repo, "restore", "--source", "HEAD~1", "mix/final.wav").ok();
        assertEquals("original mix\n", Files.readString(f), "restore --source HEAD~1");
        assertEquals("other\n", Files.readString(repo.resolve("mix/other.wav")));

        run(repo, "restore", "nope.wav").expect(ExitCode.NOT_FOUND.code()).oneLineError();
    }

    @Test
    void executableBitAndSymlinksSurviveCheckoutInto() throws IOException {
        Path repo = repo();
        write(repo.resolve("tools/render.sh"), "#!/bin/sh\necho render\n");
        Files.setPosixFilePermissions(repo.resolve("tools/render.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write(repo.resolve("tools/readme.txt"), "plain\n");
        Files.setPosixFilePermissions(repo.resolve("tools/readme.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        write(repo.resolve("shots/010/plate.exr"), "plate\n");
        Files.createSymbolicLink(repo.resolve("latest.exr"), Path.of("shots/010/plate.exr"));
        Files.createSymbolicLink(repo.resolve("current"), Path.of("shots/010"));
        addAndCommit(repo, "modes and links");

        run(repo, "checkout", "HEAD", "--into", "../out").ok();
        Path out = tmp.resolve("out");
        Set<PosixFilePermission> exe = Files.getPosixFilePermissions(out.resolve("tools/render.sh"));
        assertTrue(exe.contains(PosixFilePermission.OWNER_EXECUTE), () -> "render.sh lost its executable bit: " + exe);
        assertFalse(
                Files.getPosixFilePermissions(out.resolve("tools/readme.txt"))
                        .contains(PosixFilePermission.OWNER_EXECUTE),
                "readme.txt became executable");
        assertTrue(Files.isSymbolicLink(out.resolve("latest.exr")), "latest.exr is not a symlink");
        assertEquals(Path.of("shots/010/plate.exr"), Files.readSymbolicLink(out.resolve("latest.exr")));
        assertTrue(Files.isSymbolicLink(out.resolve("current")), "current (a link to a directory) is not a symlink");
        assertEquals(Path.of("shots/010"), Files.readSymbolicLink(out.resolve("current")));
        assertFalse(
                Files.exists(out.resolve("current/plate.exr"), LinkOption.NOFOLLOW_LINKS)
                        && !Files.isSymbolicLink(out.resolve("current")),
                "the linked directory was copied instead of linked");
        assertEquals("plate\n", Files.readString(out.resolve("latest.exr")));
        E2eFiles.assertSameTree(repo, out);
    }

    @Test
    void danglingSymlinkIsCommittedAndCheckedOut() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        Files.createSymbolicLink(repo.resolve("dangling"), Path.of("does/not/exist"));
        addAndCommit(repo, "dangling link");
        run(repo, "checkout", "HEAD", "--into", "../out").ok();
        assertTrue(Files.isSymbolicLink(tmp.resolve("out/dangling")));
        assertEquals(Path.of("does/not/exist"), Files.readSymbolicLink(tmp.resolve("out/dangling")));
    }

    @Test
    void debugPrintsAStackTraceAndOnlyThen() throws IOException {
        Path nowhere = Files.createDirectories(tmp.resolve("not-a-repo"));
        ForgeProcess.Result plain = run(nowhere, "status").expect(3); // run() already asserts: no stack trace
        assertFalse(plain.stderr().contains("NotARepositoryException"), plain::describe);

        ForgeProcess.Result debug = run(nowhere, "status", "--debug").expect(3);
        assertTrue(debug.stderr().startsWith("forge: "), debug::describe);
        assertTrue(debug.stderr().contains("\tat "), () -> "--debug should print a stack trace: " + debug.describe());
        assertTrue(debug.stderr().contains("NotARepositoryException"), debug::describe);

        ForgeProcess.Result before = run(nowhere, "--debug", "status").expect(3);
        assertTrue(
                before.stderr().contains("\tat "),
                () -> "--debug before the command should work too: " + before.describe());
    }

    @Test
    void dashCSelectsTheRepositoryAfterTheCommand() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        String c1 = addAndCommit(repo, "one");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        assertEquals(
                c1,
                json(run(elsewhere, "status", "-C", "../repo", "--json").ok())
                        .path("head")
                        .asText());
    }

    /** The brief documents -C as a global option: {@code forge -C DIR COMMAND}. */
    @Test
    void dashCAsAGlobalOptionBeforeTheCommand() throws IOException {
        Path repo = repo();
        write(repo.resolve("a.txt"), "a\n");
        String c1 = addAndCommit(repo, "one");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        assertEquals(
                c1,
                json(run(elsewhere, "-C", "../repo", "status", "--json").ok())
                        .path("head")
                        .asText());
    }
}
