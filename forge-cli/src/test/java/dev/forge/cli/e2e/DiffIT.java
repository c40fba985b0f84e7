package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static dev.forge.cli.e2e.ForgeProcess.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.cli.ExitCode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code forge diff} through dist/forge: --stat, --json, text and media output, paths, exit codes. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiffIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    /** v1: a PNG, a text file, a 3 MB binary and a file to delete; then the work tree is edited. */
    private Path editedRepo() throws IOException {
        Path r = Files.createDirectories(tmp.resolve("repo"));
        run(r, "init").ok();
        png(r.resolve("frames/f001.png"), 64, 48);
        Files.writeString(r.resolve("notes.txt"), "alpha\nbeta\ngamma\n");
        byte[] big = new byte[3_000_000];
        new Random(1).nextBytes(big);
        Files.write(r.resolve("plate.bin"), big);
        Files.writeString(r.resolve("old.txt"), "going away\n");
        run(r, "add", ".").ok();
        run(r, "commit", "-m", "v1").ok();

        png(r.resolve("frames/f001.png"), 128, 96);
        Files.writeString(r.resolve("notes.txt"), "alpha\nBETA\ngamma\n");
        try (RandomAccessFile f = new RandomAccessFile(r.resolve("plate.bin").toFile(), "rw")) {
            byte[] patch = new byte[1000];
            new Random(2).nextBytes(patch);
            f.seek(1_500_000);
            f.write(patch);
        }
        Files.delete(r.resolve("old.txt"));
        Files.writeString(r.resolve("new.txt"), "hello\n");
        run(r, "add", "new.txt", "old.txt").ok();
        return r;
    }

    @Test
    void statHasOneLinePerFileAndATotal() throws IOException {
        Path r = editedRepo();
        ForgeProcess.Result s = run(r, "diff", "HEAD", "--stat").ok();
        List<String> lines = s.stdout().stripTrailing().lines().toList();
        assertEquals(6, lines.size(), s::describe);
        List<String> paths = new ArrayList<>();
        for (String line : lines.subList(0, 5)) {
            assertTrue(
                    line.matches(" \\S+ +\\| +[0-9.]+ [KMG]?i?B → +[0-9.]+ [KMG]?i?B, +[0-9.]+ [KMG]?i?B new.*"),
                    () -> "stat line: " + line);
            paths.add(line.trim().split(" ")[0]);
        }
        assertEquals(List.of("frames/f001.png", "new.txt", "notes.txt", "old.txt", "plate.bin"), paths);
        assertTrue(lines.get(1).endsWith("(added)") && lines.get(3).endsWith("(deleted)"), s::describe);
        assertTrue(lines.get(5).startsWith(" 5 files changed, 1 added, 1 deleted, "), s::describe);
        assertTrue(lines.get(5).endsWith(" new"), s::describe);

        // No revision: the stage against the work tree, where the staged add and delete are not changes.
        ForgeProcess.Result unstaged = run(r, "diff", "--stat").ok();
        assertEquals(4, unstaged.stdout().strip().lines().count(), unstaged::describe);
        // Paths after --, relative to the current directory.
        ForgeProcess.Result one = run(r.resolve("frames"), "diff", "HEAD", "--stat", "--", "f001.png")
                .ok();
        assertEquals(2, one.stdout().strip().lines().count(), one::describe);
        assertTrue(one.stdout().startsWith(" frames/f001.png |"), one::describe);
    }

    @Test
    void jsonHasSizesNewBytesMediaAndTextDiffs() throws IOException {
        Path r = editedRepo();
        JsonNode n = json(run(r, "diff", "HEAD", "--json").ok());
        assertEquals("commit", n.path("from").path("side").asText());
        assertEquals("HEAD", n.path("from").path("rev").asText());
        assertEquals(64, n.path("from").path("commit").asText().length());
        assertEquals("worktree", n.path("to").path("side").asText());
        JsonNode files = n.path("files");
        assertEquals(5, files.size(), n::toPrettyString);

        JsonNode png = files.get(0);
        assertEquals("frames/f001.png", png.path("path").asText());
        assertEquals("modified", png.path("change").asText());
        assertEquals("image", png.path("old").path("type").asText());
        assertEquals(64, png.path("old").path("width").asInt());
        assertEquals(48, png.path("old").path("height").asInt());
        assertEquals(128, png.path("new").path("width").asInt());
        assertEquals(96, png.path("new").path("height").asInt());

        assertEquals("added", files.get(1).path("change").asText());
        assertEquals(0, files.get(1).path("oldSize").asLong());
        assertEquals(
                "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,1 @@\n+hello\n",
                files.get(1).path("unifiedDiff").asText());

        JsonNode notes = files.get(2);
        assertEquals(
                "--- a/notes.txt\n+++ b/notes.txt\n@@ -1,3 +1,3 @@\n alpha\n-beta\n+BETA\n gamma\n",
                notes.path("unifiedDiff").asText());
        assertTrue(notes.path("old").isNull() && notes.path("changedTimes").isNull());

        JsonNode deleted = files.get(3);
        assertEquals("deleted", deleted.path("change").asText());
        assertEquals(0, deleted.path("newBytes").asLong());
        assertEquals(0, deleted.path("newSize").asLong());

        JsonNode plate = files.get(4);
        assertEquals(3_000_000, plate.path("oldSize").asLong());
        assertEquals(3_000_000, plate.path("newSize").asLong());
        long newBytes = plate.path("newBytes").asLong();
        assertTrue(newBytes > 1000 && newBytes < 600_000, plate::toString);
        long ranged = 0;
        for (JsonNode range : plate.path("newRanges"))
            ranged += range.path("length").asLong();
        assertEquals(newBytes, ranged);
        assertEquals(plate.path("newRanges").size(), plate.path("newRangeCount").asInt());
        assertTrue(plate.path("unifiedDiff").isNull() && plate.path("new").isNull());

        JsonNode total = n.path("total");
        assertEquals(5, total.path("files").asInt());
        assertEquals(1, total.path("added").asInt());
        assertEquals(1, total.path("deleted").asInt());
        assertEquals(3, total.path("modified").asInt());
        long sum = 0;
        for (JsonNode f : files) sum += f.path("newBytes").asLong();
        assertEquals(sum, total.path("newBytes").asLong());

        // After a commit, the two commits give the same answer as HEAD against the work tree did.
        run(r, "add", ".").ok();
        run(r, "commit", "-m", "v2").ok();
        JsonNode two = json(run(r, "diff", "HEAD~1", "HEAD", "--json", "--stat").ok());
        assertEquals("commit", two.path("to").path("side").asText());
        assertEquals(newBytes, two.path("files").get(4).path("newBytes").asLong());
        assertTrue(two.path("files").get(2).path("unifiedDiff").isNull(), "--stat leaves out the details");
        assertEquals(0, json(run(r, "diff", "--json").ok()).path("files").size());
        assertEquals("", run(r, "diff").ok().stdout());
    }

    @Test
    void textOutputShowsUnifiedDiffAndImageSizes() throws IOException {
        Path r = editedRepo();
        String out = run(r, "diff").ok().stdout();
        assertTrue(
                out.contains(
                        "diff a/notes.txt b/notes.txt\nmodified, 17 B → 17 B, 17 B new\n--- a/notes.txt\n+++ b/notes.txt\n"
                                + "@@ -1,3 +1,3 @@\n alpha\n-beta\n+BETA\n gamma\n"),
                out);
        assertTrue(out.contains("old: PNG 64x48, 8-bit rgb\nnew: PNG 128x96, 8-bit rgb\n"), out);
        assertTrue(out.contains("diff a/plate.bin b/plate.bin\nmodified, 2.9 MiB → 2.9 MiB, "), out);
    }

    @Test
    void mp4ShowsDurationCodecSizeRateAndChangedTime() throws Exception {
        Assumptions.assumeTrue(onPath("ffmpeg"), "ffmpeg not installed");
        Path r = Files.createDirectories(tmp.resolve("video"));
        run(r, "init").ok();
        Process p = new ProcessBuilder(
                        "ffmpeg",
                        "-nostdin",
                        "-loglevel",
                        "error",
                        "-y",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=duration=2:size=320x240:rate=25",
                        "-c:v",
                        "libx264",
                        "-pix_fmt",
                        "yuv420p",
                        "out.mp4")
                .directory(r.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg failed");
        run(r, "add", ".").ok();
        run(r, "commit", "-m", "v1").ok();
        try (RandomAccessFile f = new RandomAccessFile(r.resolve("out.mp4").toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        String out = run(r, "diff", "HEAD").ok().stdout();
        assertTrue(out.contains("new: MP4 (isom), 2.000 s; video avc1 320x240 25 fps"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("changed: 0:00:0")), out);
        JsonNode v =
                json(run(r, "diff", "HEAD", "--json").ok()).path("files").get(0).path("new");
        assertEquals("video", v.path("type").asText());
        assertEquals(2.0, v.path("durationSeconds").asDouble(), 0.05);
        assertEquals("avc1", v.path("codec").asText());
        assertEquals(320, v.path("width").asInt());
        assertEquals(240, v.path("height").asInt());
        assertEquals(25.0, v.path("frameRate").asDouble(), 0.01);
    }

    @Test
    void errorsHaveTheirExitCodes() throws IOException {
        Path r = Files.createDirectories(tmp.resolve("repo"));
        run(r, "init").ok();
        Files.writeString(r.resolve("a.txt"), "a\n");
        run(r, "diff", "HEAD").expect(ExitCode.NOT_FOUND.code()).oneLineError();
        run(r, "add", ".").ok();
        run(r, "commit", "-m", "1").ok();
        run(r, "diff", "nope").expect(ExitCode.NOT_FOUND.code()).oneLineError();
        run(r, "diff", "HEAD", "HEAD~1").expect(ExitCode.NOT_FOUND.code()).oneLineError();
        run(r, "diff", "HEAD", "HEAD", "HEAD").expect(ExitCode.USAGE.code()).oneLineError();
        run(r, "diff", "--no-such-option").expect(ExitCode.USAGE.code());
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        run(outside, "diff").expect(ExitCode.NOT_A_REPOSITORY.code()).oneLineError();
        run(r, "diff", "HEAD", "HEAD", "--stat").ok();
        assertEquals("", run(r, "diff", "HEAD", "--stat").ok().stdout());
        assertTrue(new String(Files.readAllBytes(r.resolve("a.txt")), UTF_8).equals("a\n"));
    }

    private static void png(Path f, int w, int h) throws IOException {
        Files.createDirectories(f.getParent());
        assertTrue(ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", f.toFile()));
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
