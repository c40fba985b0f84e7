package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forge import git} through dist/forge, against repositories the test builds with the real
 * {@code git} and {@code git lfs} commands (HOME is a temporary folder: no global configuration is read
 * or written). Every imported commit is checked out and compared byte for byte (and symlink, and
 * executable bit) with git's own checkout of the same commit, made in a separate clone with LFS
 * smudging.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GitImportIT {
    @TempDir
    Path tmp;

    private Path home;
    private Map<String, String> env;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    @BeforeEach
    void isolate() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        // HOME is a fresh folder per test; forge's start-up cache stays the run's shared one (under its
        // own HOME, each test would train a new cache in the background, or with FORGE_NO_AOT start cold).
        env.put("XDG_CACHE_HOME", ForgeProcess.cacheHome().toString());
        git(tmp, "lfs", "install", "--skip-repo");
    }

    // ------------------------------------------------------------------ helpers

    private String git(Path dir, String... args) {
        return git(dir, Map.of(), args);
    }

    private String git(Path dir, Map<String, String> extra, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(extra);
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "git " + cmd + " did not finish");
            String text = new String(out, UTF_8);
            assertEquals(0, p.exitValue(), () -> "git " + String.join(" ", args) + " failed:\n" + text);
            return text.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private ForgeProcess.Result forge(Path dir, String... args) {
        return ForgeProcess.run(dir, Duration.ofMinutes(5), Arrays.asList(args), env);
    }

    /** Commits everything staged at a fixed committer date, so the test can check it is kept. */
    private void commit(Path repo, String message, String date) {
        git(repo, Map.of("GIT_AUTHOR_DATE", date, "GIT_COMMITTER_DATE", date), "commit", "-q", "-m", message);
    }

    private static void write(Path p, byte[] b) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, b);
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A repository with branches, a merge, tags, LFS files, a rename, an executable, a symlink and an empty folder. */
    private Path sourceRepo() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        git(src, "init", "-q", "-b", "main");
        git(src, "config", "user.name", "Ann Artist");
        git(src, "config", "user.email", "ann@studio.test");
        git(src, "lfs", "install", "--local");
        git(src, "lfs", "track", "*.bin", "*.psd");
        write(src.resolve("a.txt"), "hello\n".getBytes(UTF_8));
        write(src.resolve("dir/nested/deep.txt"), "deep\n".getBytes(UTF_8));
        write(src.resolve("name with space ü.txt"), "unicode\n".getBytes(UTF_8));
        write(src.resolve("assets/plate.bin"), random(1, 300_000));
        // Larger than the ingest's whole-file buffer: streamed, both as an LFS object and as a git blob.
        write(src.resolve("assets/layers.psd"), random(2, 9 << 20));
        write(src.resolve("raw.dat"), random(3, 9 << 20));
        write(src.resolve("run.sh"), "#!/bin/sh\necho hi\n".getBytes(UTF_8));
        Files.setPosixFilePermissions(
                src.resolve("run.sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("a.txt"));
        Files.createDirectories(src.resolve("empty/folder"));
        git(src, "add", "-A");
        commit(src, "first\n\nwith a body line", "2021-03-04T05:06:07+02:00");
        git(src, "tag", "-a", "v0", "-m", "the first");

        git(src, "checkout", "-q", "-b", "feature");
        git(src, "mv", "a.txt", "b.txt");
        write(src.resolve("assets/plate.bin"), random(4, 310_000));
        git(src, "add", "-A");
        commit(src, "rename a.txt, new plate", "2021-03-05T10:00:00-05:00");

        git(src, "checkout", "-q", "main");
        write(src.resolve("c.txt"), "c\n".getBytes(UTF_8));
        Files.setPosixFilePermissions(
                src.resolve("c.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr--r--"));
        Files.setPosixFilePermissions(
                src.resolve("run.sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        git(src, "add", "-A");
        commit(src, "c.txt, run.sh no longer executable", "2021-03-06T00:00:00Z");
        git(
                src,
                Map.of("GIT_AUTHOR_DATE", "2021-03-07T12:00:00Z", "GIT_COMMITTER_DATE", "2021-03-07T12:00:00Z"),
                "merge",
                "-q",
                "--no-ff",
                "-m",
                "merge feature",
                "feature");
        git(src, "tag", "v1");
        return src;
    }

    private Path forgeRepo(String name) throws IOException {
        Path r = Files.createDirectories(tmp.resolve(name));
        forge(r, "init").ok();
        return r;
    }

    /** Every file below {@code root} (the .git and .forge folders too) with its size, mtime and content hash. */
    private static SortedMap<String, String> snapshot(Path root) {
        SortedMap<String, String> m = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    m.put(E2eFiles.rel(root, dir) + "/", String.valueOf(a.lastModifiedTime()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    String v = a.size() + " " + a.lastModifiedTime();
                    if (a.isRegularFile()) v += " " + E2eFiles.sha256(file);
                    m.put(E2eFiles.rel(root, file), v);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /**
     * Checks out every git commit both ways and compares: git's checkout in the clone {@code verify}
     * (LFS smudged), Forge's with {@code checkout --into}. Returns how many commits were compared.
     */
    private int assertEveryCommitMatches(Path src, Path repo, Path verify, String round) throws IOException {
        List<String> commits = Arrays.asList(git(src, "rev-list", "--all").split("\n"));
        int n = 0;
        for (String c : commits) {
            String forgeId =
                    forge(repo, "import", "map", c).ok().stdout().strip().split(" ")[1];
            Path expected = tmp.resolve(round + "-git-" + c);
            Files.createDirectories(expected);
            git(verify, "--work-tree=" + expected, "checkout", "-q", "-f", c, "--", ".");
            Path actual = tmp.resolve(round + "-forge-" + c);
            forge(repo, "checkout", forgeId, "--into", actual.toString()).ok();
            E2eFiles.assertSameTree(expected, actual);
            for (var e : E2eFiles.files(expected).entrySet()) {
                Path x = e.getValue();
                if (Files.isSymbolicLink(x)) continue;
                Path y = actual.resolve(e.getKey());
                assertEquals(
                        Files.getPosixFilePermissions(x, LinkOption.NOFOLLOW_LINKS)
                                .contains(PosixFilePermission.OWNER_EXECUTE),
                        Files.getPosixFilePermissions(y, LinkOption.NOFOLLOW_LINKS)
                                .contains(PosixFilePermission.OWNER_EXECUTE),
                        () -> "executable bit of " + e.getKey() + " in " + c);
            }
            // Author, committer time (with its offset) and message.
            JsonNode log =
                    json(forge(repo, "log", "-n", "1", forgeId, "--json").ok()).get(0);
            assertEquals(
                    git(src, "log", "-1", "--format=%an <%ae>", c),
                    log.path("author").asText());
            assertEquals(
                    OffsetDateTime.parse(git(src, "log", "-1", "--format=%cI", c)),
                    OffsetDateTime.parse(log.path("time").asText()),
                    () -> "time of " + c);
            assertEquals(
                    git(src, "log", "-1", "--format=%B", c), log.path("message").asText());
            assertEquals(
                    git(src, "log", "-1", "--format=%P", c).isEmpty()
                            ? 0
                            : git(src, "log", "-1", "--format=%P", c).split(" ").length,
                    log.path("parents").size(),
                    () -> "parents of " + c);
            n++;
        }
        return n;
    }

    private Path verifyClone(Path src) {
        Path verify = tmp.resolve("verify");
        git(tmp, "clone", "-q", src.toString(), verify.toString());
        git(verify, "lfs", "fetch", "--all", "origin");
        return verify;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void importsBranchesTagsMergesAndLfsByteForByteThenOnlyNewCommits() throws IOException {
        Path src = sourceRepo();
        SortedMap<String, String> before = snapshot(src);
        Path repo = forgeRepo("dst");

        ForgeProcess.Result first =
                forge(repo, "import", "git", src.toString(), "--tags", "--json").ok();
        JsonNode r = json(first);
        assertEquals(4, r.path("commits").asInt(), r::toString);
        assertEquals(0, r.path("alreadyImported").asInt());
        assertEquals(3, r.path("lfsObjects").asInt(), "two plate versions and the psd");
        assertEquals(List.of("feature", "main"), names(r.path("branches")));
        assertEquals(List.of("v0", "v1"), names(r.path("tags")));
        assertEquals(0, r.path("missingLfs").size());
        assertUnchanged(before, snapshot(src));

        // One op-log entry, with every ref.
        JsonNode ops = json(forge(repo, "op", "log", "--json").ok());
        assertEquals("import git " + src, ops.get(0).path("command").asText());
        assertEquals(4, ops.get(0).path("refs").size());
        assertEquals(
                git(src, "rev-parse", "main"),
                forge(
                                repo,
                                "import",
                                "map",
                                json(forge(repo, "log", "-n", "1", "main", "--json")
                                                .ok())
                                        .get(0)
                                        .path("commit")
                                        .asText())
                        .ok()
                        .stdout()
                        .split(" ")[0]);

        Path verify = verifyClone(src);
        assertEquals(4, assertEveryCommitMatches(src, repo, verify, "first"));
        forge(repo, "fsck").ok();

        // New commits on main (an LFS change among them): a second run reads only them.
        write(src.resolve("assets/plate.bin"), random(5, 320_000));
        write(src.resolve("d.txt"), "d\n".getBytes(UTF_8));
        git(src, "add", "-A");
        commit(src, "new plate and d.txt", "2021-04-01T08:00:00+01:00");
        Files.delete(src.resolve("c.txt"));
        git(src, "add", "-A");
        commit(src, "drop c.txt", "2021-04-02T08:00:00+01:00");
        before = snapshot(src);
        JsonNode second = json(
                forge(repo, "import", "git", src.toString(), "--tags", "--json").ok());
        assertEquals(2, second.path("commits").asInt(), second::toString);
        assertEquals(4, second.path("alreadyImported").asInt());
        assertEquals(2, second.path("blobsRead").asInt(), "the new plate and d.txt, nothing else: " + second);
        assertEquals(1, second.path("lfsObjects").asInt());
        assertEquals("updated", refChange(second.path("branches"), "main"));
        assertEquals("unchanged", refChange(second.path("branches"), "feature"));
        assertUnchanged(before, snapshot(src));
        git(verify, "fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*");
        git(verify, "lfs", "fetch", "--all", "origin");
        assertEquals(6, assertEveryCommitMatches(src, repo, verify, "second"));

        // Nothing new: nothing read, nothing logged.
        JsonNode third = json(
                forge(repo, "import", "git", src.toString(), "--tags", "--json").ok());
        assertEquals(0, third.path("commits").asInt());
        assertEquals(2, json(forge(repo, "op", "log", "--json").ok()).size());

        // The work tree of the fresh repository fills from the imported branch.
        forge(repo, "checkout", "main").ok();
        assertEquals("d\n", Files.readString(repo.resolve("d.txt")));
        assertEquals(320_000, Files.size(repo.resolve("assets/plate.bin")));
        forge(repo, "status", "--json").ok();
    }

    @Test
    void branchGlobSelectsBranches() throws IOException {
        Path src = sourceRepo();
        Path repo = forgeRepo("dst");
        JsonNode r = json(forge(repo, "import", "git", src.toString(), "--branches", "feat*", "--json")
                .ok());
        assertEquals(List.of("feature"), names(r.path("branches")));
        assertEquals(0, r.path("tags").size());
        assertEquals(2, r.path("commits").asInt());
        forge(repo, "import", "git", src.toString(), "--branches", "nope*")
                .expect(4)
                .oneLineError();
    }

    @Test
    void missingLfsObjectStopsTheImportNamingPathAndCommit() throws IOException {
        Path src = sourceRepo();
        String plateCommit = git(src, "log", "-1", "--format=%H", "feature");
        String oid = git(src, "lfs", "ls-files", "--long", "feature")
                .lines()
                .filter(l -> l.endsWith("assets/plate.bin"))
                .findFirst()
                .orElseThrow()
                .split(" ")[0];
        Files.delete(src.resolve(".git/lfs/objects/" + oid.substring(0, 2) + "/" + oid.substring(2, 4) + "/" + oid));
        Path repo = forgeRepo("dst");

        ForgeProcess.Result r =
                forge(repo, "import", "git", src.toString()).expect(4).oneLineError();
        assertTrue(r.stderr().contains("'assets/plate.bin' in commit " + plateCommit), r.stderr());
        assertTrue(r.stderr().contains(oid), r.stderr());
        assertTrue(r.stderr().contains("--allow-missing-lfs"), r.stderr());
        assertTrue(json(forge(repo, "branch", "--json").ok()).isEmpty(), "a branch was created");
        assertFalse(Files.exists(repo.resolve(".forge/import/git.map")), "the map was written");
        ForgeProcess.Result j =
                forge(repo, "import", "git", src.toString(), "--json").expect(4);
        assertEquals(4, E2eFiles.JSON.readTree(j.stderr()).path("exitCode").asInt());

        JsonNode ok = json(forge(repo, "import", "git", src.toString(), "--allow-missing-lfs", "--json")
                .ok());
        assertEquals(1, ok.path("missingLfs").size(), ok::toString);
        assertEquals(
                "assets/plate.bin", ok.path("missingLfs").get(0).path("path").asText());
        assertEquals(plateCommit, ok.path("missingLfs").get(0).path("gitCommit").asText());
        String forgeId =
                forge(repo, "import", "map", plateCommit).ok().stdout().strip().split(" ")[1];
        String pointer = forge(repo, "show", forgeId + ":assets/plate.bin").ok().stdout();
        assertTrue(pointer.startsWith("version https://git-lfs.github.com/spec/v1\noid sha256:" + oid), pointer);
        ForgeProcess.Result text = forge(repo, "import", "git", src.toString(), "--allow-missing-lfs");
        text.ok();
    }

    @Test
    void lfsObjectsFromAnotherFolder() throws IOException {
        Path src = sourceRepo();
        Path store = tmp.resolve("lfs-store");
        E2eFiles.copyTree(src.resolve(".git/lfs/objects"), store);
        E2eFiles.deleteTree(src.resolve(".git/lfs/objects"));
        Path repo = forgeRepo("dst");
        forge(repo, "import", "git", src.toString()).expect(4);
        JsonNode r = json(forge(repo, "import", "git", src.toString(), "--lfs-from", store.toString(), "--json")
                .ok());
        assertEquals(3, r.path("lfsObjects").asInt(), r::toString);
        assertEquals(0, r.path("missingLfs").size());
    }

    /**
     * A git URL (a real {@code git daemon} on 127.0.0.1) with its LFS objects only on an LFS server: a
     * loopback server written from git-lfs's docs/api/batch.md and basic-transfers.md, which hands out
     * download actions with an Authorization header and refuses downloads without it.
     */
    @Test
    void urlSourceWithLfsObjectsFromTheBatchApi() throws Exception {
        Path src = sourceRepo();
        Path verify = verifyClone(src);
        Path store = tmp.resolve("lfs-server");
        E2eFiles.copyTree(src.resolve(".git/lfs/objects"), store);
        E2eFiles.deleteTree(src.resolve(".git/lfs/objects"));
        List<String> batchAccept = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> downloads = java.util.Collections.synchronizedList(new ArrayList<>());
        com.sun.net.httpserver.HttpServer lfs =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + lfs.getAddress().getPort() + "/repo.git/info/lfs";
        lfs.createContext("/repo.git/info/lfs/objects/batch", ex -> {
            batchAccept.add(ex.getRequestHeaders().getFirst("Accept"));
            JsonNode req = E2eFiles.JSON.readTree(ex.getRequestBody());
            var resp = E2eFiles.JSON.createObjectNode().put("transfer", "basic");
            var objects = resp.putArray("objects");
            for (JsonNode o : req.path("objects")) {
                String oid = o.path("oid").asText();
                var out = objects.addObject()
                        .put("oid", oid)
                        .put("size", o.path("size").asLong());
                if (Files.exists(lfsPath(store, oid))) {
                    out.putObject("actions")
                            .putObject("download")
                            .put("href", "http://127.0.0.1:" + lfs.getAddress().getPort() + "/dl/" + oid)
                            .putObject("header")
                            .put("Authorization", "Bearer t0ken");
                } else {
                    out.putObject("error").put("code", 404).put("message", "Object does not exist");
                }
            }
            byte[] body = E2eFiles.JSON.writeValueAsBytes(resp);
            ex.getResponseHeaders().set("Content-Type", "application/vnd.git-lfs+json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        lfs.createContext("/dl/", ex -> {
            String oid = ex.getRequestURI().getPath().substring("/dl/".length());
            if (!"Bearer t0ken".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            downloads.add(oid);
            byte[] body = Files.readAllBytes(lfsPath(store, oid));
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        lfs.start();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process daemon = new ProcessBuilder(
                        "git",
                        "daemon",
                        "--reuseaddr",
                        "--export-all",
                        "--listen=127.0.0.1",
                        "--port=" + port,
                        "--base-path=" + tmp,
                        tmp.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("daemon.log").toFile())
                .start();
        try {
            awaitPort(port, daemon);
            String url = "git://127.0.0.1:" + port + "/src";
            Path repo = forgeRepo("dst");
            forge(repo, "import", "git", url, "--tags").expect(4).oneLineError();
            JsonNode r = json(forge(repo, "import", "git", url, "--tags", "--lfs-from", base, "--json")
                    .ok());
            assertEquals(4, r.path("commits").asInt(), r::toString);
            assertEquals(3, r.path("lfsObjects").asInt(), r::toString);
            assertEquals(3, downloads.size(), downloads::toString);
            assertTrue(batchAccept.stream().allMatch("application/vnd.git-lfs+json"::equals), batchAccept::toString);
            assertFalse(Files.exists(repo.resolve(".forge/import/lfs-download")), "downloads were left behind");
            assertEquals(4, assertEveryCommitMatches(src, repo, verify, "url"));

            // A new commit reaches the import through a fetch into the kept clone.
            Files.writeString(src.resolve("e.txt"), "e\n");
            git(src, "add", "-A");
            commit(src, "e.txt", "2021-05-01T00:00:00Z");
            JsonNode again = json(forge(repo, "import", "git", url, "--lfs-from", base, "--json")
                    .ok());
            assertEquals(1, again.path("commits").asInt(), again::toString);
            assertEquals(3, downloads.size(), "nothing downloaded again");

            // An object the server does not have.
            String oid = downloads.get(0);
            Files.delete(lfsPath(store, oid));
            Path other = forgeRepo("dst2");
            ForgeProcess.Result missing = forge(other, "import", "git", url, "--lfs-from", base)
                    .expect(4)
                    .oneLineError();
            assertTrue(missing.stderr().contains(oid) && missing.stderr().contains(base), missing.stderr());
        } finally {
            daemon.destroy();
            daemon.waitFor();
            lfs.stop(0);
        }
    }

    private static Path lfsPath(Path store, String oid) {
        return store.resolve(oid.substring(0, 2)).resolve(oid.substring(2, 4)).resolve(oid);
    }

    /** Waits until the daemon accepts connections (it has started) or has exited (a failure). */
    private static void awaitPort(int port, Process daemon) throws InterruptedException {
        while (daemon.isAlive()) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("git daemon exited with " + daemon.exitValue());
    }

    @Test
    void reportsPathsThatWillNotCheckOutOnEveryDesktop() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        git(src, "init", "-q", "-b", "main");
        write(src.resolve("shots/Plate.exr"), "upper".getBytes(UTF_8));
        write(src.resolve("shots/plate.exr"), "lower".getBytes(UTF_8));
        write(src.resolve("docs/aux.txt"), "aux".getBytes(UTF_8));
        write(src.resolve("fine.txt"), "fine".getBytes(UTF_8));
        git(src, "add", "-A");
        git(
                src,
                Map.of(
                        "GIT_AUTHOR_NAME",
                        "A",
                        "GIT_AUTHOR_EMAIL",
                        "a@b",
                        "GIT_COMMITTER_NAME",
                        "A",
                        "GIT_COMMITTER_EMAIL",
                        "a@b"),
                "commit",
                "-q",
                "-m",
                "names");
        Path repo = forgeRepo("dst");
        JsonNode r = json(forge(repo, "import", "git", src.toString(), "--json").ok());
        List<String> reported = new ArrayList<>();
        for (JsonNode p : r.path("portability")) reported.add(p.path("path").asText());
        assertEquals(List.of("docs/aux.txt", "shots/Plate.exr"), reported, r::toString);
        assertTrue(r.path("portability").get(1).path("problem").asText().contains("shots/plate.exr"), r::toString);
        // Both files are kept, each with its own bytes (reported, not merged).
        String id = forge(repo, "import", "map", git(src, "rev-parse", "HEAD"))
                .ok()
                .stdout()
                .strip()
                .split(" ")[1];
        assertEquals("upper", forge(repo, "show", id + ":shots/Plate.exr").ok().stdout());
        assertEquals("lower", forge(repo, "show", id + ":shots/plate.exr").ok().stdout());
        ForgeProcess.Result text = forge(repo, "import", "git", src.toString());
        text.ok();
        assertFalse(text.stderr().contains("Plate.exr"), "reported again though nothing was imported");
    }

    @Test
    void notAGitRepositoryExits4() throws IOException {
        Path repo = forgeRepo("dst");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ForgeProcess.Result r =
                forge(repo, "import", "git", empty.toString()).expect(4).oneLineError();
        assertTrue(r.stderr().contains("not a git repository"), r.stderr());
        forge(repo, "import", "map", "abcdef").expect(4).oneLineError();
    }

    /** Fails naming the paths that differ, when anything below the source repository changed. */
    private static void assertUnchanged(SortedMap<String, String> before, SortedMap<String, String> after) {
        List<String> differ = new ArrayList<>();
        for (var e : before.entrySet()) if (!e.getValue().equals(after.get(e.getKey()))) differ.add(e.getKey());
        for (String k : after.keySet()) if (!before.containsKey(k)) differ.add(k + " (new)");
        assertTrue(differ.isEmpty(), () -> "the source repository was written to: " + differ);
    }

    private static List<String> names(JsonNode refs) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : refs) out.add(n.path("name").asText());
        return out;
    }

    private static String refChange(JsonNode refs, String name) {
        for (JsonNode n : refs)
            if (n.path("name").asText().equals(name)) return n.path("change").asText();
        return null;
    }
}
