package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.mirror.s3.MisbehavingServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remotes that misbehave, through dist/forge: a server that accepts connections and never answers,
 * and one that keeps answering 503 with Retry-After. Every command ends (the bound given to each run
 * is generous: it only proves that nothing hangs), with exit 10, one notice on stderr per retry wait,
 * and none with {@code -q}.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class RemoteSafetyIT {
    /** Far above the default 30 s of remote.timeout: a run that needs this long hangs. */
    static final Duration BOUND = Duration.ofMinutes(3);

    static final Map<String, String> CREDS =
            Map.of("FORGE_S3_ACCESS_KEY_ID", "forge-it", "FORGE_S3_SECRET_ACCESS_KEY", "forge-it-secret");

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    static ForgeProcess.Result forge(Path dir, Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(CREDS);
        all.putAll(env);
        return ForgeProcess.run(dir, BOUND, Arrays.asList(args), all);
    }

    static ForgeProcess.Result forge(Path dir, String... args) {
        return forge(dir, Map.of(), args);
    }

    static Path repoWithACommit(Path tmp) throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(w.resolve("a.txt"), "a\n");
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "a").ok();
        return w;
    }

    /** A server that answers every request 503 SlowDown with this Retry-After. */
    static MisbehavingServer busy(String retryAfter) throws java.io.IOException {
        return MisbehavingServer.answering(
                n -> MisbehavingServer.Answer.s3Error(503, "Slow Down", "SlowDown", "Retry-After: " + retryAfter));
    }

    static String url(MisbehavingServer server) {
        return "s3://bucket/shots?endpoint=" + server.endpoint() + "&path-style=true";
    }

    static List<String> lines(String stderr) {
        return stderr.strip().lines().toList();
    }

    /** Starts {@code forge args} in {@code dir} with the credentials, without waiting for it. */
    static ForgeProcess.Started started(Path dir, String... args) {
        return ForgeProcess.start(dir, List.of(args), CREDS);
    }

    @Test
    void aServerThatNeverAnswersEndsPushWithExit10AndSaysSo(@TempDir Path tmp) throws Exception {
        Path w = repoWithACommit(tmp);
        Path d = repoWithACommit(Files.createDirectories(tmp.resolve("default")));
        try (MisbehavingServer server = MisbehavingServer.silent();
                MisbehavingServer untouched = MisbehavingServer.silent()) {
            // The default timeout, untouched: its push waits out 30 s, so it runs (in a repository and
            // against a server of its own) while the shorter runs below go on.
            forge(d, "remote", "add", "origin", url(untouched)).ok();
            ForgeProcess.Started slow = started(d, "push");
            forge(w, "remote", "add", "origin", url(server)).ok();

            // -q: only the error; the timeout set with forge config.
            forge(w, "config", "remote.timeout", "0").expect(2);
            forge(w, "config", "remote.timeout", "3").ok();
            ForgeProcess.Result q = forge(w, "push", "-q").expect(10).oneLineError();
            assertTrue(q.stderr().contains("remote.timeout is 3.0 s"), q::describe);
            // The environment overrides the config.
            ForgeProcess.Result env = forge(w, Map.of("FORGE_REMOTE_TIMEOUT", "2"), "push", "-q")
                    .expect(10)
                    .oneLineError();
            assertTrue(env.stderr().contains("remote.timeout is 2.0 s"), env::describe);
            forge(w, "config", "--unset", "remote.timeout").ok();
            // fetch and a clone end too; the clone leaves nothing behind.
            forge(w, Map.of("FORGE_REMOTE_TIMEOUT", "3"), "fetch", "-q")
                    .expect(10)
                    .oneLineError();
            forge(tmp, Map.of("FORGE_REMOTE_TIMEOUT", "3"), "clone", "-q", url(server), "c")
                    .expect(10)
                    .oneLineError();
            assertFalse(Files.exists(tmp.resolve("c")), "a failed clone leaves nothing behind");

            ForgeProcess.Result r = ForgeProcess.finish(slow, d, BOUND).expect(10);
            List<String> lines = lines(r.stderr());
            assertTrue(lines.size() >= 2, r::describe);
            for (String retry : lines.subList(0, lines.size() - 1)) {
                assertTrue(retry.startsWith("forge: origin: ") && retry.contains("no answer within"), r::describe);
                assertTrue(retry.matches(".*retrying in [0-9.]+ s \\(attempt \\d+ of 10\\)$"), r::describe);
            }
            String last = lines.getLast();
            assertTrue(last.contains("gave up after") && last.contains("remote.timeout is 30 s"), r::describe);
            assertTrue(untouched.requests() >= 2, "it tried again: " + untouched.requests());
        }
    }

    @Test
    void aBusyServersRetryAfterIsHonouredAndShownThenGivenUp(@TempDir Path tmp) throws Exception {
        Path w = repoWithACommit(tmp);
        Path wj = repoWithACommit(Files.createDirectories(tmp.resolve("json")));
        // Each push waits out nine Retry-Afters of 1 s: the plain one and the --json one run at once,
        // each from a repository and against a server of its own.
        try (MisbehavingServer server = busy("1");
                MisbehavingServer jsonServer = busy("1")) {
            forge(w, "remote", "add", "origin", url(server)).ok();
            forge(wj, "remote", "add", "origin", url(jsonServer)).ok();
            ForgeProcess.Started plain = started(w, "push");
            ForgeProcess.Started json = started(wj, "push", "--json");
            ForgeProcess.Result r = ForgeProcess.finish(plain, w, BOUND).expect(10);
            List<String> lines = lines(r.stderr());
            assertEquals(10, server.requests(), r::describe);
            assertEquals(10, lines.size(), "nine waits and the error: " + r.describe());
            for (int i = 0; i < 9; i++) {
                String l = lines.get(i);
                assertTrue(
                        l.contains("HTTP 503 SlowDown") && l.contains("the server asks to wait: retrying in 1.0 s"),
                        r::describe);
                assertTrue(l.endsWith("(attempt " + (i + 2) + " of 10)"), r::describe);
            }
            assertTrue(lines.getLast().contains("gave up after 10 attempts"), r::describe);

            // --json: stdout stays empty, each wait is a JSON line on stderr.
            ForgeProcess.Result j = ForgeProcess.finish(json, wj, BOUND).expect(10);
            assertEquals(10, jsonServer.requests(), j::describe);
            assertEquals("", j.stdout(), j::describe);
            List<String> jl = lines(j.stderr());
            assertEquals(10, jl.size(), j::describe);
            for (String l : jl.subList(0, 9)) {
                JsonNode n = E2eFiles.JSON.readTree(l);
                assertEquals("retry", n.path("event").asText(), l);
                assertEquals("origin", n.path("remote").asText(), l);
                assertTrue(n.path("serverAsked").asBoolean(), l);
                assertEquals(1.0, n.path("delaySeconds").asDouble(), l);
            }
            // Under --json the error is a JSON line too (docs/cli.md).
            JsonNode err = E2eFiles.JSON.readTree(jl.getLast());
            assertEquals(10, err.path("exitCode").asInt(), j::describe);
            assertTrue(err.path("error").asText().contains("gave up after 10 attempts"), j::describe);
        }
        try (MisbehavingServer server = busy("3600")) {
            forge(w, "remote", "remove", "origin").ok();
            forge(w, "remote", "add", "origin", url(server)).ok();
            ForgeProcess.Result r = forge(w, "push").expect(10).oneLineError();
            assertTrue(
                    r.stderr().contains("3600 s") && r.stderr().contains("forge config remote.maxWait"), r::describe);
            assertEquals(1, server.requests(), r::describe);
            // A user who can wait says so.
            ForgeProcess.Result bad =
                    forge(w, Map.of("FORGE_REMOTE_MAX_WAIT", "soon"), "push").expect(2);
            assertTrue(bad.stderr().contains("FORGE_REMOTE_MAX_WAIT"), bad::describe);
        }
    }

    static final String SECRET = "SeCrEtE2E";
    static final String KEY_ID = "AKIAE2E";

    static void assertNoSecret(ForgeProcess.Result r) {
        assertFalse(r.output().contains(SECRET) || r.output().contains(KEY_ID), r::describe);
    }

    /**
     * Credentials in a remote URL, in any form, are refused (exit 2) with one line that points at the
     * environment variables and does not repeat them; a URL with credentials that an older forge stored
     * is never used and never printed, and the messages say how to re-add the remote.
     */
    @Test
    void credentialsInUrlsAreRefusedAndNeverPrinted(@TempDir Path tmp) throws Exception {
        Path w = repoWithACommit(tmp);
        for (String url : List.of(
                "s3://" + KEY_ID + ":" + SECRET + "@bucket/x",
                "s3://" + KEY_ID + ":" + SECRET + "/x@bucket/x",
                "s3://bucket/x?endpoint=http://" + KEY_ID + ":" + SECRET + "@127.0.0.1:9&path-style=true",
                "s3://bucket/x?secret_key=" + SECRET,
                "s3://bucket/x?access_key=" + KEY_ID + "&region=eu",
                "r2://" + KEY_ID + ":" + SECRET + "@account/bucket")) {
            ForgeProcess.Result add =
                    forge(w, "remote", "add", "origin", url).expect(2).oneLineError();
            assertNoSecret(add);
            assertTrue(add.stderr().contains("FORGE_S3_ACCESS_KEY_ID"), add::describe);
            ForgeProcess.Result clone = forge(tmp, "clone", url, "c").expect(2).oneLineError();
            assertNoSecret(clone);
            assertFalse(Files.exists(tmp.resolve("c")), clone::describe);
        }
        // Even an argument picocli rejects is printed redacted.
        assertNoSecret(forge(w, "remote", "add", "origin", "/tmp/r", "http://" + KEY_ID + ":" + SECRET + "@h")
                .expect(2));
        assertEquals("", forge(w, "remote", "list").ok().stdout());

        // What an older forge stored: it took credentials in URLs.
        String old = "s3://bucket/x?endpoint=http://" + KEY_ID + ":" + SECRET + "@127.0.0.1:9&path-style=true";
        try (dev.forge.core.repo.Repository repo =
                dev.forge.core.repo.Repository.open(new dev.forge.storage.RocksLocalStoreFactory(), w)) {
            repo.begin("remote add old " + old).setRemote("old", old).commit();
        }
        ForgeProcess.Result list = forge(w, "remote", "list").ok();
        assertNoSecret(list);
        assertEquals("old\ts3://bucket/x?endpoint=http://***@127.0.0.1:9&path-style=true\n", list.stdout());
        assertTrue(list.stderr().contains("forge remote remove old"), list::describe);
        ForgeProcess.Result listJson = forge(w, "remote", "list", "--json").ok();
        assertNoSecret(listJson);
        ForgeProcess.Result push = forge(w, "push", "old").expect(2).oneLineError();
        assertNoSecret(push);
        assertTrue(push.stderr().contains("forge remote remove old"), push::describe);
        assertNoSecret(forge(w, "fetch", "old").expect(2));
        assertNoSecret(forge(w, "op", "log").ok());
        assertNoSecret(forge(w, "op", "log", "--json").ok());
        forge(w, "remote", "remove", "old").ok();
        assertNoSecret(forge(w, "op", "log", "--json").ok());
    }

    /** Runs dist/forge under {@code umask} (through sh, which sets it and execs forge); it must succeed. */
    static void forgeUnderUmask(Path dir, String umask, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(
                List.of("/bin/sh", "-c", "umask \"$1\" && shift && exec \"$@\"", "sh", umask));
        cmd.add(ForgeProcess.forge().toString());
        cmd.addAll(Arrays.asList(args));
        Path err = Files.createTempFile("forge-e2e-umask", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile());
            pb.environment().put("CI", "true");
            pb.environment().put("FORGE_AUTHOR", ForgeProcess.AUTHOR);
            Process p = pb.start();
            if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                ForgeProcess.killTree(p);
                throw new AssertionError("forge " + String.join(" ", args) + " under umask " + umask + " hangs");
            }
            assertEquals(
                    0, p.exitValue(), () -> "forge " + args[0] + " under umask " + umask + ": " + readQuietly(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    static String readQuietly(Path p) {
        return ForgeProcess.readQuietly(p);
    }

    static int mode(Path p) throws java.io.IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** Every file and folder under {@code root} (not root) that does not have the mode {@code want} gives. */
    static List<String> wrongModes(Path root, java.util.function.Function<Path, Integer> want) throws Exception {
        try (var s = Files.walk(root)) {
            List<String> wrong = new java.util.ArrayList<>();
            for (Path p : s.filter(x -> !x.equals(root)).toList()) {
                if (mode(p) != want.apply(p))
                    wrong.add(root.relativize(p)
                            + String.format(java.util.Locale.ROOT, " %04o (want %04o)", mode(p), want.apply(p)));
            }
            return wrong;
        }
    }

    /**
     * A folder remote is written with the pushing user's umask (packs were 0600, unreadable to a
     * teammate on the NAS), and in a folder shared with a group (setgid, group-writable) everything
     * is group-readable and -writable whatever the umask, folders keeping setgid.
     */
    @Test
    void aFolderRemoteIsWrittenWithTheUmaskAndSharedWithTheGroup(@TempDir Path tmp) throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        byte[] plate = new byte[600_000];
        new java.util.Random(7).nextBytes(plate);
        Files.write(w.resolve("plate.bin"), plate);
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "plate").ok();
        for (String umask : List.of("022", "002")) {
            int u = Integer.parseInt(umask, 8);
            Path remote = tmp.resolve("remote-" + umask);
            forge(w, "remote", "add", "r" + umask, remote.toString()).ok();
            forgeUnderUmask(w, umask, "push", "r" + umask);
            assertTrue(Files.exists(remote.resolve("config")), "pushed");
            List<String> wrong = wrongModes(remote, p -> Files.isDirectory(p) ? 0777 & ~u : 0666 & ~u);
            assertTrue(wrong.isEmpty(), "umask " + umask + ": " + wrong);
        }
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 02770);
        forge(w, "remote", "add", "shared", shared.toString()).ok();
        forgeUnderUmask(w, "022", "push", "shared");
        List<String> wrong = wrongModes(shared, p -> Files.isDirectory(p) ? 02775 : 0664);
        assertTrue(wrong.isEmpty(), "shared folder under umask 022: " + wrong);
        // And what was pushed there reads back.
        forge(tmp, "clone", shared.toString(), "c").ok();
        assertEquals(-1, Files.mismatch(w.resolve("plate.bin"), tmp.resolve("c/plate.bin")));
    }

    /**
     * A folder remote with branches whose names forge does not accept, written by hand beside a good
     * one: clone, fetch, pull and push go on with the rest (exit 0) and name each skipped branch in a
     * warning on stderr (escaped), or in "skipped" with --json.
     */
    @Test
    void remoteBranchesWithNamesForgeDoesNotTakeAreSkippedWithAWarning(@TempDir Path tmp) throws Exception {
        Path w = repoWithACommit(tmp);
        Path remote = tmp.resolve("remote");
        forge(w, "remote", "add", "origin", remote.toString()).ok();
        forge(w, "push").ok();
        String tip = Files.readString(remote.resolve("refs/heads/main"));
        List<String> bad = List.of("a b", "foo~1", "x\u001b[31m", "tab\there");
        for (String b : bad) Files.writeString(remote.resolve("refs/heads").resolve(b), tip);

        ForgeProcess.Result clone = forge(tmp, "clone", remote.toString(), "c").ok();
        assertEquals("a\n", Files.readString(tmp.resolve("c/a.txt")));
        List<String> warnings = lines(clone.stderr());
        assertEquals(bad.size(), warnings.size(), clone::describe);
        for (String l : warnings) assertTrue(l.startsWith("forge: warning: skipped branch '"), clone::describe);
        assertTrue(clone.stderr().contains("'a b'") && clone.stderr().contains("'foo~1'"), clone::describe);
        assertTrue(
                clone.stderr().contains("'\"x\\033[31m\"'") && clone.stderr().contains("'\"tab\\there\"'"),
                clone::describe);
        assertFalse(clone.stderr().contains("\u001b"), "no raw escape sequence reaches the terminal");

        JsonNode cj = E2eFiles.json(
                forge(tmp, "clone", remote.toString(), "cj", "--json").ok());
        assertEquals(bad.size(), cj.path("skipped").size(), cj::toString);
        assertEquals("main", cj.path("branch").asText(), cj::toString);

        Files.writeString(remote.resolve("refs/heads/new one"), tip);
        ForgeProcess.Result fetch = forge(tmp.resolve("c"), "fetch").ok();
        assertTrue(fetch.stderr().contains("'new one'"), fetch::describe);
        forge(tmp.resolve("c"), "pull").ok();
        Files.writeString(tmp.resolve("c/b.txt"), "b\n");
        forge(tmp.resolve("c"), "add", ".").ok();
        forge(tmp.resolve("c"), "commit", "-m", "b").ok();
        forge(tmp.resolve("c"), "push").ok();
        forge(w, "pull").ok();
        assertEquals("b\n", Files.readString(w.resolve("b.txt")));
    }

    /**
     * SIGKILL a real clone at spread, seeded moments; the same clone run again must succeed (it used to
     * exit 6, "not empty", or leave only .forge-init-* so that status exited 3), with every byte right.
     */
    @Test
    void aKilledCloneRunAgainStartsOverAndSucceeds(@TempDir Path tmp) throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        java.util.Random rnd = new java.util.Random(0xC10E);
        for (int i = 0; i < 24; i++) {
            byte[] b = new byte[1_500_000 + rnd.nextInt(500_000)];
            rnd.nextBytes(b);
            Files.write(w.resolve("shot-" + i + ".bin"), b);
        }
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "shots").ok();
        String url = tmp.resolve("remote").toUri().toString();
        forge(w, "remote", "add", "origin", url).ok();
        forge(w, "push").ok();
        // The shorter of two clones: the first of a run may start before the start-up cache is made
        // (and share the CPU with its training), and kills spread over that one would mostly come late.
        long fullMs = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            fullMs = Math.min(fullMs, forge(tmp, "clone", url, "measure").ok().millis());
            E2eFiles.deleteTree(tmp.resolve("measure"));
        }

        // Clones vary in length (start-up cache, page cache, the load of other tests): spread the kills
        // over the first 80% of one, as long as the shortest clone seen so far (a clone that finishes
        // before its kill shortens the spread of the kills after it).
        int runs = 8;
        int killed = 0;
        List<String> left = new java.util.ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long delay = 300 + (long) ((fullMs * 0.8 - 300) * (i + rnd.nextDouble()) / runs);
            String name = "c" + i;
            long t0 = System.nanoTime();
            ForgeProcess.Started s = ForgeProcess.start(tmp, List.of("clone", url, name));
            boolean finished;
            try {
                finished = s.process().waitFor(delay, TimeUnit.MILLISECONDS);
                if (finished) fullMs = Math.min(fullMs, (System.nanoTime() - t0) / 1_000_000);
                if (!finished) {
                    ForgeProcess.killTree(s.process());
                    finished = s.process().exitValue() == 0;
                }
            } finally {
                s.cleanup();
            }
            Path dir = tmp.resolve(name);
            List<String> names;
            if (Files.isDirectory(dir)) {
                try (var l = Files.list(dir)) {
                    names = l.map(p -> p.getFileName().toString())
                            .sorted()
                            .limit(4)
                            .toList();
                }
            } else {
                names = List.of("(no folder)");
            }
            // Killed after the marker was deleted (the clone had finished, the JVM was exiting): a
            // complete clone, which a rerun must not redo.
            boolean complete = Files.isDirectory(dir.resolve(".forge"))
                    && !Files.exists(dir.resolve(".forge/clone-in-progress"))
                    && !Files.exists(dir.resolve(".forge-clone"));
            left.add(delay + " ms: "
                    + (finished ? "finished" : "killed" + (complete ? " once complete" : "") + ", left " + names));
            if (!finished && complete) {
                forge(tmp, "clone", url, name).expect(6);
            } else if (!finished) {
                killed++;
                ForgeProcess.Result again = forge(tmp, "clone", url, name);
                assertEquals(0, again.exitCode(), () -> left + "\n" + again.describe());
            }
            for (int f = 0; f < 24; f++) {
                String file = "shot-" + f + ".bin";
                assertEquals(-1, Files.mismatch(w.resolve(file), dir.resolve(file)), left::toString);
            }
            assertTrue(
                    E2eFiles.json(forge(dir, "status", "--json").ok())
                            .path("clean")
                            .asBoolean(),
                    left::toString);
            forge(dir, "fsck").ok();
            E2eFiles.deleteTree(dir);
        }
        System.out.println("[RemoteSafetyIT] full clone " + fullMs + " ms; kills: " + left);
        assertTrue(killed >= runs / 2, "most clones must have been killed part-way: " + left);
    }
}
