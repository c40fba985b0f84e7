package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertMatchesManifest;
import static dev.forge.cli.e2e.E2eFiles.json;
import static dev.forge.cli.e2e.ForgeProcess.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared media corpus (../shared/corpus/make-corpus.sh: videos, image sequences, WAVs, a
 * project binary, a source tree; v2 = realistic edits of v1) through a whole forge life cycle:
 * commit v1, commit v2, check both out again, compare every byte with the corpus manifests, and
 * check that v2 cost far less storage than its size.
 *
 * <p>The corpus is generated once per generator and scale into a cache folder kept across runs and
 * reused while it matches its manifests ({@link #shared}). PCT = env FORGE_TEST_SCALE_PCT (or
 * -Dforge.test.scale.pct), default 2.
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class CorpusIT {
    static Path corpus;
    static SortedMap<String, String> manifestV1;
    static SortedMap<String, String> manifestV2;

    @BeforeAll
    static void corpus() throws Exception {
        ForgeProcess.forge();
        Path dir = shared("skipping CorpusIT");
        corpus = dir;
        manifestV1 = E2eFiles.readManifest(dir.resolve("MANIFEST-v1.sha256"));
        manifestV2 = E2eFiles.readManifest(dir.resolve("MANIFEST-v2.sha256"));
        assertFalse(manifestV1.isEmpty(), "MANIFEST-v1.sha256 lists no files");
        assertFalse(manifestV2.isEmpty(), "MANIFEST-v2.sha256 lists no files");
    }

    private static Path shared;

    /**
     * The corpus at the scale {@link #scalePct()}, generated once per generator and scale and kept
     * across runs (a clean clone in CI would otherwise spend a minute and a half on it): in
     * {@code $XDG_CACHE_HOME/forge-e2e-corpus} (else {@code ~/.cache/...}, or the folder
     * -Dforge.test.corpus.cache names), under the first hex digits of make-corpus.sh's SHA-256. A file
     * lock keeps two test JVMs (parallel forks) from generating it at once; each JVM checks a kept corpus
     * against its manifests once and generates it again if it does not match. forge-cli/target/
     * e2e-corpus/scale-PCT is made a symlink to it (scripts/bench-remotes.sh reads it there).
     */
    static Path shared(String skipping) throws Exception {
        Path root = ForgeProcess.repoRoot();
        Path script =
                root.resolveSibling("shared").resolve("corpus/make-corpus.sh").normalize();
        Assumptions.assumeTrue(
                Files.isRegularFile(script),
                "the shared corpus generator " + script
                        + " is absent (it sits beside the repository in CI and on dev machines); " + skipping);
        int pct = scalePct();
        synchronized (CorpusIT.class) {
            if (shared != null) return shared;
            String name = E2eFiles.sha256(script).substring(0, 16) + "-scale-" + pct;
            Path cache = cacheRoot();
            Files.createDirectories(cache);
            Path dir = cache.resolve(name);
            try (FileChannel ch = FileChannel.open(
                    cache.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                // Released when the channel closes; held by one test JVM at a time.
                FileLock lock = ch.lock();
                assertTrue(lock.isValid());
                if (isComplete(dir)) {
                    long t0 = System.nanoTime();
                    if (matchesManifests(dir)) {
                        System.out.printf(
                                Locale.ROOT,
                                "[CorpusIT] reusing the corpus in %s (checked against its manifests in %.1f s)%n",
                                dir,
                                (System.nanoTime() - t0) / 1e9);
                    } else {
                        System.out.println("[CorpusIT] the corpus in " + dir + " does not match its manifests");
                        E2eFiles.deleteTree(dir);
                    }
                }
                if (!isComplete(dir)) generate(script, dir, pct);
            }
            Path link = root.resolve("forge-cli/target/e2e-corpus/scale-" + pct);
            try {
                Files.createDirectories(link.getParent());
                if (Files.isSymbolicLink(link) || !Files.exists(link)) {
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, dir);
                }
            } catch (IOException e) {
                System.out.println("[CorpusIT] cannot link " + link + " to " + dir + ": " + e);
            }
            shared = dir.toRealPath();
            return shared;
        }
    }

    private static Path cacheRoot() {
        String p = System.getProperty("forge.test.corpus.cache");
        if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath();
        return ForgeProcess.cacheHome().resolve("forge-e2e-corpus");
    }

    private static boolean matchesManifests(Path dir) {
        for (String v : new String[] {"v1", "v2"}) {
            SortedMap<String, String> m = E2eFiles.readManifest(dir.resolve("MANIFEST-" + v + ".sha256"));
            if (m.isEmpty() || !m.equals(E2eFiles.hashTree(dir.resolve(v)))) return false;
        }
        return true;
    }

    static int scalePct() {
        String s = System.getProperty("forge.test.scale.pct");
        if (s == null || s.isBlank()) s = System.getenv("FORGE_TEST_SCALE_PCT");
        if (s == null || s.isBlank()) return 2;
        int v = Integer.parseInt(s.trim());
        if (v < 1 || v > 100) fail("FORGE_TEST_SCALE_PCT must be 1..100, got " + v);
        return v;
    }

    static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve("MANIFEST-v1.sha256"))
                && Files.isRegularFile(dir.resolve("MANIFEST-v2.sha256"))
                && Files.isDirectory(dir.resolve("v1"))
                && Files.isDirectory(dir.resolve("v2"));
    }

    /** Runs make-corpus.sh into a temporary sibling, then renames it into place (a killed run leaves no half corpus). */
    static void generate(Path script, Path dir, int pct) throws IOException, InterruptedException {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        E2eFiles.deleteTree(tmp);
        E2eFiles.deleteTree(dir);
        Files.createDirectories(dir.getParent());
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        System.out.println(
                "[CorpusIT] generating the corpus at SCALE_PCT=" + pct + " into " + dir + " (log: " + log + ")");
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), tmp.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("SCALE_PCT", Integer.toString(pct));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(45, TimeUnit.MINUTES)) {
            ForgeProcess.killTree(p);
            fail("make-corpus.sh did not finish within 45 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            String out = ForgeProcess.readQuietly(log);
            fail("make-corpus.sh failed with exit code " + p.exitValue()
                    + " (it needs ffmpeg, xdelta3 and /usr/bin/python3):\n" + ForgeProcess.shorten(out));
        }
        if (!isComplete(tmp)) fail("make-corpus.sh exited 0 but " + tmp + " lacks v1/, v2/ or a manifest");
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf(Locale.ROOT, "[CorpusIT] corpus generated in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void commitV1AndV2CheckOutBothAndCompareWithManifests(@TempDir Path tmp) throws Exception {
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        long v1Size = E2eFiles.totalSize(corpus.resolve("v1"));
        long v2Size = E2eFiles.totalSize(corpus.resolve("v2"));

        run(work, "init").ok();
        fsck(work, "after init");

        // --- v1
        E2eFiles.copyTree(corpus.resolve("v1"), work);
        assertMatchesManifest(manifestV1, work, "the copied v1 work tree");
        run(work, "add", ".").ok();
        JsonNode c1 = json(run(work, "commit", "-m", "corpus v1", "--json").ok());
        assertTrue(c1.path("committed").asBoolean(), c1::toString);
        assertEquals(manifestV1.size(), c1.path("files").asInt(), "files in the v1 commit");
        assertEquals(v1Size, c1.path("bytes").asLong(), "bytes in the v1 commit");
        String id1 = c1.path("commit").asText();
        fsck(work, "after committing v1");
        JsonNode s1 = json(run(work, "stats", "--json").ok());

        // --- v2
        E2eFiles.replaceContent(work, corpus.resolve("v2"));
        assertMatchesManifest(manifestV2, work, "the v2 work tree");
        run(work, "add", ".").ok();
        JsonNode c2 = json(run(work, "commit", "-m", "corpus v2", "--json").ok());
        assertTrue(c2.path("committed").asBoolean(), c2::toString);
        assertEquals(manifestV2.size(), c2.path("files").asInt(), "files in the v2 commit");
        assertEquals(v2Size, c2.path("bytes").asLong(), "bytes in the v2 commit");
        String id2 = c2.path("commit").asText();
        fsck(work, "after committing v2");
        JsonNode s2 = json(run(work, "stats", "--json").ok());
        JsonNode st = json(run(work, "status", "--json").ok());
        assertTrue(st.path("clean").asBoolean(), () -> "work tree not clean after committing v2: " + st);

        // --- both versions into fresh folders (relative --into, outside the work tree)
        run(work, "checkout", "HEAD~1", "--into", "../fresh1").ok();
        assertMatchesManifest(manifestV1, tmp.resolve("fresh1"), "checkout HEAD~1 --into fresh1");
        run(work, "checkout", "HEAD", "--into", "../fresh2").ok();
        assertMatchesManifest(manifestV2, tmp.resolve("fresh2"), "checkout HEAD --into fresh2");
        fsck(work, "after checkout --into");
        E2eFiles.deleteTree(tmp.resolve("fresh1"));
        E2eFiles.deleteTree(tmp.resolve("fresh2"));

        // --- in place: back to v1 (detached), then to main again
        run(work, "checkout", "HEAD~1").ok();
        assertMatchesManifest(manifestV1, work, "the work tree after checkout HEAD~1");
        JsonNode d = json(run(work, "status", "--json").ok());
        assertEquals(id1, d.path("head").asText(), () -> "HEAD after checkout HEAD~1: " + d);
        assertTrue(d.path("branch").isNull(), () -> "HEAD should be detached after checkout HEAD~1: " + d);
        assertTrue(d.path("clean").asBoolean(), () -> "work tree not clean after checkout HEAD~1: " + d);
        fsck(work, "after checkout HEAD~1");

        run(work, "checkout", "main").ok();
        assertMatchesManifest(manifestV2, work, "the work tree after checkout main");
        JsonNode m = json(run(work, "status", "--json").ok());
        assertEquals("main", m.path("branch").asText(), () -> "branch after checkout main: " + m);
        assertEquals(id2, m.path("head").asText(), () -> "HEAD after checkout main: " + m);
        assertTrue(m.path("clean").asBoolean(), () -> "work tree not clean after checkout main: " + m);
        fsck(work, "after checkout main");

        // --- storage: deduplication across versions
        long stored1 = s1.path("storedBytes").asLong();
        long stored2 = s2.path("storedBytes").asLong();
        long logical2 = s2.path("logicalBytes").asLong();
        long increment = stored2 - stored1;
        System.out.printf(
                Locale.ROOT,
                "[CorpusIT] v1: %d files, %d bytes -> stored %d (logical %d)%n"
                        + "[CorpusIT] v2: %d files, %d bytes -> stored total %d (logical %d), increment %d bytes = %.2f%% of v2's size%n",
                manifestV1.size(),
                v1Size,
                stored1,
                s1.path("logicalBytes").asLong(),
                manifestV2.size(),
                v2Size,
                stored2,
                logical2,
                increment,
                100.0 * increment / v2Size);
        assertEquals(2, s2.path("commits").asInt(), s2::toString);
        assertEquals(v1Size + v2Size, logical2, () -> "logical bytes should be the sum of both versions: " + s2);
        assertTrue(logical2 > stored2, () -> "logical bytes should exceed stored bytes after two versions: " + s2);
        assertTrue(increment > 0, () -> "storing v2 should have added something: v1 " + s1 + ", v2 " + s2);
        assertTrue(
                increment < v2Size / 2,
                () -> "storing v2 added " + increment + " bytes, not far less than v2's " + v2Size + " bytes");
    }

    private static void fsck(Path work, String when) {
        ForgeProcess.Result r = run(work, "fsck");
        assertEquals(0, r.exitCode(), () -> "fsck " + when + ": " + r.describe());
    }
}
