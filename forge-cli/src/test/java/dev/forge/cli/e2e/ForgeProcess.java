package dev.forge.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built {@code dist/forge} as a user would: a child process in a directory, with CI=true,
 * stdin from /dev/null, stdout and stderr captured to files (no pipe can fill up and block), and a
 * timeout after which the process and its descendants are killed and the test fails.
 *
 * <p>Every finished run is checked for leaked stack traces: unless {@code --debug} is among the
 * arguments, stderr must contain neither "Exception" nor "\tat ".
 */
public final class ForgeProcess {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** A fixed author, so that runs do not depend on the user name or host. */
    public static final String AUTHOR = "Forge E2E <e2e@forge.invalid>";

    private ForgeProcess() {}

    /** The outcome of one finished run. */
    public record Result(Path dir, List<String> args, int exitCode, byte[] stdoutBytes, String stderr, long millis) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        /** stdout and stderr together, for "the message names X" checks. */
        public String output() {
            return stdout() + "\n" + stderr;
        }

        /** A description for assertion messages: command, exit code, both streams (shortened). */
        public String describe() {
            return "`forge " + String.join(" ", args) + "` in " + dir + " exited " + exitCode + " after " + millis
                    + " ms\n--- stdout ---\n" + shorten(stdout()) + "\n--- stderr ---\n" + shorten(stderr);
        }

        public Result expect(int code) {
            assertEquals(code, exitCode, () -> "unexpected exit code: " + describe());
            return this;
        }

        public Result ok() {
            return expect(0);
        }

        /** stderr is exactly one non-empty line starting with "forge: ". */
        public Result oneLineError() {
            List<String> lines = stderr.strip().lines().toList();
            assertEquals(1, lines.size(), () -> "expected a one-line error: " + describe());
            assertTrue(lines.get(0).startsWith("forge: "), () -> "error does not start with 'forge: ': " + describe());
            return this;
        }
    }

    /** A started, not yet finished run (for the crash tests, which kill it). */
    public record Started(Process process, Path stdout, Path stderr, List<String> args) {
        public String readStderr() {
            return readQuietly(stderr);
        }

        public String readStdout() {
            return readQuietly(stdout);
        }

        public void cleanup() {
            try {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // temp files; best effort
            }
        }
    }

    /** The repository root: system property forge.root (set by the root pom), else found from user.dir. */
    public static Path repoRoot() {
        String p = System.getProperty("forge.root");
        if (p != null && !p.isBlank() && Files.isDirectory(Path.of(p)))
            return Path.of(p).toAbsolutePath().normalize();
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("forge-cli")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
        }
        return fail("cannot find the forge repository root: set -Dforge.root=/path/to/forge (the root pom does this)");
    }

    /** dist/forge, asserted to exist and be executable. */
    public static Path forge() {
        Path f = repoRoot().resolve("dist/forge");
        if (!Files.isRegularFile(f)) {
            fail(f
                    + " does not exist: build it first (mvn -B -o -DskipTests package, or run the ITs through 'mvn verify', "
                    + "which packages forge-cli before the integration-test phase)");
        }
        assertTrue(Files.isExecutable(f), () -> f + " is not executable");
        return f;
    }

    /**
     * The cache folder forge's launcher keeps its start-up (AOT) cache in for this test run: the
     * environment's XDG_CACHE_HOME, else ~/.cache. Tests that give forge a HOME of their own pass it as
     * XDG_CACHE_HOME, so that every run shares one cache rather than training one per test.
     */
    public static Path cacheHome() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) return Path.of(xdg);
        return Path.of(System.getProperty("user.home"), ".cache");
    }

    public static Result run(Path dir, String... args) {
        return run(dir, DEFAULT_TIMEOUT, Arrays.asList(args));
    }

    public static Result run(Path dir, Duration timeout, List<String> args) {
        return run(dir, timeout, args, Map.of());
    }

    /** Runs with extra environment variables (e.g. credentials for an S3 remote). */
    public static Result run(Path dir, Duration timeout, List<String> args, Map<String, String> extraEnv) {
        return run(List.of(), dir, timeout, args, extraEnv);
    }

    /**
     * Runs forge through {@code wrapper}: a command the forge path and arguments are appended to, which
     * must exec them (e.g. {@code bash -c 'ulimit -n 256; exec "$@"' bash}); so the test can change the
     * process's limits, mounts or namespaces without changing the test JVM's.
     */
    public static Result runWrapped(List<String> wrapper, Path dir, String... args) {
        return run(wrapper, dir, DEFAULT_TIMEOUT, Arrays.asList(args), Map.of());
    }

    private static Result run(
            List<String> wrapper, Path dir, Duration timeout, List<String> args, Map<String, String> extraEnv) {
        long t0 = System.nanoTime();
        return finish(start(wrapper, dir, args, extraEnv), dir, timeout, t0);
    }

    /**
     * Waits for a run started with {@link #start} to end (killing it and failing after {@code timeout}) and
     * checks it as {@link #run} does; so a test can let a long run (one that waits out a timeout) go on
     * while it runs others.
     */
    public static Result finish(Started s, Path dir, Duration timeout) {
        return finish(s, dir, timeout, System.nanoTime());
    }

    private static Result finish(Started s, Path dir, Duration timeout, long t0) {
        List<String> args = s.args();
        try {
            boolean done;
            try {
                done = s.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(s.process());
                throw new AssertionError("interrupted while running forge " + args, e);
            }
            if (!done) {
                killTree(s.process());
                fail("`forge " + String.join(" ", args) + "` in " + dir + " did not finish within " + timeout
                        + "; killed it.\n--- stderr ---\n" + shorten(s.readStderr()));
            }
            byte[] out;
            try {
                out = Files.readAllBytes(s.stdout());
            } catch (IOException e) {
                throw new AssertionError("cannot read the captured stdout", e);
            }
            Result r = new Result(
                    dir,
                    List.copyOf(args),
                    s.process().exitValue(),
                    out,
                    s.readStderr(),
                    (System.nanoTime() - t0) / 1_000_000);
            if (!args.contains("--debug")) assertNoStackTrace(r);
            return r;
        } finally {
            s.cleanup();
        }
    }

    /** Starts forge without waiting; stdout and stderr go to temp files. */
    public static Started start(Path dir, List<String> args) {
        return start(dir, args, Map.of());
    }

    /** Starts forge without waiting, with extra environment variables. */
    public static Started start(Path dir, List<String> args, Map<String, String> extraEnv) {
        return start(List.of(), dir, args, extraEnv);
    }

    /**
     * Runs forge through {@code wrapper} (such as {@code setpriv --reuid=65534 --}, to run as a user
     * root's permissions do not apply to), with extra environment.
     */
    public static Result runWrapped(List<String> wrapper, Path dir, List<String> args, Map<String, String> extraEnv) {
        return run(wrapper, dir, DEFAULT_TIMEOUT, args, extraEnv);
    }

    private static Started start(List<String> wrapper, Path dir, List<String> args, Map<String, String> extraEnv) {
        Path forge = forge();
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(forge.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("CI", "true");
        env.put("FORGE_AUTHOR", AUTHOR);
        env.remove("FORGE_JAVA_OPTS");
        env.putAll(extraEnv);
        try {
            Path out = Files.createTempFile("forge-e2e-", ".out");
            Path err = Files.createTempFile("forge-e2e-", ".err");
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            return new Started(pb.start(), out, err, List.copyOf(args));
        } catch (IOException e) {
            throw new AssertionError("cannot start " + cmd, e);
        }
    }

    /** SIGKILLs the descendants of {@code p}, then {@code p} itself, and waits for it. */
    public static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS))
                throw new AssertionError("process " + p.pid() + " survived SIGKILL for 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void assertNoStackTrace(Result r) {
        assertFalse(
                r.stderr().contains("Exception"),
                () -> "stderr mentions an Exception without --debug: " + r.describe());
        assertFalse(
                r.stderr().contains("\tat "), () -> "stderr contains a stack trace without --debug: " + r.describe());
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            try {
                return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                return "<cannot read " + p + ": " + e2 + ">";
            }
        }
    }

    static String shorten(String s) {
        return s.length() <= 4000
                ? s
                : s.substring(0, 2000) + "\n...[" + (s.length() - 4000) + " chars]...\n"
                        + s.substring(s.length() - 2000);
    }
}
