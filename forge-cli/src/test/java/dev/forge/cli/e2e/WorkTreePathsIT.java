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
        assertTrue(add.stderr().contains("\"x\\376\": the name is not valid UTF-8"), add::describe);
        assertTrue(add.stderr().contains("\"x\\377\": the name is not valid UTF-8"), add::describe);
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
}
