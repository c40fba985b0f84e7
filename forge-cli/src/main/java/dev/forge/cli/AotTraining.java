package dev.forge.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The workload the launcher records once into the JDK's AOT cache ({@code forge __aot-train}, run in
 * the background by the launcher with {@code -XX:AOTCacheOutput}; not a user command). It runs the
 * everyday commands on a small generated project, so that the cache holds the classes they load,
 * linked, and the method profiles of their hot paths (JEP 483/515): later runs start with those
 * classes mapped and C2 compiles the chunker, hashing and copy loops earlier. See docs/benchmarks.md
 * for what it gains.
 *
 * <p>Everything happens in a temporary folder that is deleted afterwards; nothing is printed.
 */
final class AotTraining {
    static final String COMMAND = "__aot-train";

    private AotTraining() {}

    static int run() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("forge-aot-train-");
            Path repo = Files.createDirectories(dir.resolve("project"));
            SplittableRandom rnd = new SplittableRandom(0x466f726765L);
            // A large file (read in pieces, chunked in parallel), frames and text: each ingest path.
            write(repo.resolve("plate.bin"), random(rnd, 24 << 20));
            Files.createDirectories(repo.resolve("frames"));
            for (int i = 0; i < 300; i++)
                write(repo.resolve("frames/f" + i + ".raw"), random(rnd, 4096 + rnd.nextInt(65536)));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 4000; i++) text.append("line ").append(i).append(" of the shot notes\n");
            write(repo.resolve("notes.txt"), text.toString().getBytes(StandardCharsets.UTF_8));

            String r = repo.toString();
            // The start-up probe every script and artist runs first (its string concatenations are
            // linked in the cache only if they ran here).
            forge("version");
            forge("version", "--json");
            forge("--version");
            String remote = dir.resolve("remote").toString();
            forge("-C", r, "init");
            forge("-C", r, "add", ".");
            forge("-C", r, "commit", "-m", "v1", "--author", "forge <aot@forge>");
            for (int i = 0; i < 3; i++) forge("-C", r, "status");
            // Scripts and the benchmarks ask for JSON: its lambdas are linked in the cache only if they ran here.
            forge("-C", r, "status", "--json");
            // Large trees are listed through FFM (WorkTree, LinuxDirs), which this small one is not:
            // once more with that listing, so the cache holds what binding it loads and spins.
            System.setProperty("forge.scan.nativeFrom", "0");
            try {
                for (int i = 0; i < 2; i++) forge("-C", r, "status");
            } finally {
                System.clearProperty("forge.scan.nativeFrom");
            }
            write(repo.resolve("notes.txt"), (text + "one more line\n").getBytes(StandardCharsets.UTF_8));
            write(repo.resolve("frames/f300.raw"), random(rnd, 30000));
            forge("-C", r, "status");
            forge("-C", r, "status", "--json");
            forge("-C", r, "add", "--json", "notes.txt");
            forge("-C", r, "add", ".");
            forge("-C", r, "commit", "-m", "v2", "--author", "forge <aot@forge>");
            forge("-C", r, "log");
            forge("-C", r, "diff", "HEAD~1", "HEAD", "--stat");
            forge("-C", r, "checkout", "HEAD~1", "--into", dir.resolve("out").toString());
            forge("-C", r, "switch", "-c", "other");
            forge("-C", r, "switch", "main");
            forge("-C", r, "stats");
            forge("-C", r, "remote", "add", "origin", remote);
            forge("-C", r, "push", "origin");
            forge("-C", dir.toString(), "clone", remote, "copy");
            forge("-C", r, "fsck");
            return 0;
        } catch (IOException | RuntimeException e) {
            return 1;
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    private static void forge(String... args) {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        int rc = Main.run(args, quiet, quiet);
        if (rc != 0) throw new IllegalStateException("training step failed: " + String.join(" ", args));
    }

    private static byte[] random(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static void write(Path p, byte[] b) throws IOException {
        Files.write(p, b);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder; the OS cleans it eventually
        }
    }
}
