package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static dev.forge.cli.e2e.ForgeProcess.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forge video encode/decode} through real ffmpeg re-encodes like a video host's (issue 18): the
 * payload comes back byte for byte, or decode exits 5 and writes nothing. Small payloads and fast presets
 * keep it to well under a minute on two cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VideoIT {
    @TempDir
    static Path tmp;

    private Path dir;
    private byte[] payload;
    private JsonNode encoded;

    @BeforeAll
    void encodeOnce() throws IOException {
        Assumptions.assumeTrue(onPath("ffmpeg") && onPath("ffprobe"), "ffmpeg not installed");
        dir = Files.createDirectories(tmp.resolve("v"));
        payload = new byte[40_000];
        new Random(18).nextBytes(payload);
        Files.write(dir.resolve("payload.bin"), payload);
        encoded = json(
                run(dir, "video", "encode", "--json", "payload.bin", "up.mp4").ok());
    }

    @Test
    void encodeReportsItsPlan() {
        assertEquals(40_000, encoded.path("payloadBytes").asInt());
        assertEquals(1920, encoded.path("width").asInt());
        assertEquals(1080, encoded.path("height").asInt());
        assertEquals(30, encoded.path("fps").asInt());
        int frames = encoded.path("frames").asInt();
        assertEquals(
                frames,
                encoded.path("dataFrames").asInt()
                        + encoded.path("parityFrames").asInt());
        assertTrue(encoded.path("parityFrames").asInt() >= 2, encoded.toString());
        assertTrue(Files.isRegularFile(dir.resolve("up.mp4")));
    }

    @Test
    void theUploadItselfDecodes() throws Exception {
        JsonNode r = decodeOk("up.mp4");
        assertEquals(0, r.path("framesRepaired").asInt());
        assertEquals(encoded.path("frames").asInt(), r.path("framesRead").asInt());
    }

    @Test
    void h264At5MbpsLikeYouTubesRecommendation() throws Exception {
        ffmpeg(
                "-i",
                "up.mp4",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-b:v",
                "5M",
                "-maxrate",
                "5M",
                "-bufsize",
                "10M",
                "-pix_fmt",
                "yuv420p",
                "x264.mp4");
        decodeOk("x264.mp4");
    }

    @Test
    void downscaledTo720p() throws Exception {
        ffmpeg(
                "-i",
                "up.mp4",
                "-vf",
                "scale=1280:720",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-b:v",
                "4M",
                "-pix_fmt",
                "yuv420p",
                "720p.mp4");
        decodeOk("720p.mp4");
    }

    @Test
    void aDroppedFrameIsRebuilt() throws Exception {
        ffmpeg(
                "-i",
                "up.mp4",
                "-vf",
                "select='not(eq(n\\,2))'",
                "-fps_mode",
                "vfr",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "20",
                "-pix_fmt",
                "yuv420p",
                "dropped.mp4");
        JsonNode r = decodeOk("dropped.mp4");
        assertEquals(encoded.path("frames").asInt() - 1, r.path("framesRead").asInt());
        assertEquals(1, r.path("framesMissing").asInt());
        assertEquals(1, r.path("framesRepaired").asInt(), "frame 2 holds data");
    }

    @Test
    void frameRateChangesDuplicateOrDropFrames() throws Exception {
        ffmpeg(
                "-i",
                "up.mp4",
                "-vf",
                "fps=60",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "20",
                "-pix_fmt",
                "yuv420p",
                "60fps.mp4");
        JsonNode up = decodeOk("60fps.mp4");
        assertTrue(up.path("framesDuplicate").asInt() >= encoded.path("frames").asInt() - 1, up.toString());
        ffmpeg(
                "-i",
                "up.mp4",
                "-vf",
                "fps=25",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "20",
                "-pix_fmt",
                "yuv420p",
                "25fps.mp4");
        JsonNode down = decodeOk("25fps.mp4");
        assertTrue(down.path("framesMissing").asInt() >= 1, down.toString());
    }

    @Test
    void vp9WhenFfmpegHasIt() throws Exception {
        Assumptions.assumeTrue(encoders().contains("libvpx-vp9"), "ffmpeg has no libvpx-vp9");
        ffmpeg(
                "-i",
                "up.mp4",
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-b:v",
                "4M",
                "-pix_fmt",
                "yuv420p",
                "vp9.webm");
        decodeOk("vp9.webm");
    }

    @Test
    void tooDegradedOrCorruptVideosAreIntegrityErrorsAndWriteNothing() throws Exception {
        // Shrunk to 192x108: headers still read, but every frame's data cells are below a pixel.
        ffmpeg(
                "-i",
                "up.mp4",
                "-vf",
                "scale=192:108",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "tiny.mp4");
        expectIntegrityError("tiny.mp4", "cannot recover the payload");
        expectJsonIntegrityError("tiny.mp4", "cannot recover the payload");
        // Half the frames cut off.
        ffmpeg(
                "-i",
                "up.mp4",
                "-frames:v",
                Integer.toString(encoded.path("frames").asInt() / 2),
                "-c",
                "copy",
                "half.mp4");
        expectIntegrityError("half.mp4", "cannot recover");
        // Not a video at all.
        byte[] junk = new byte[100_000];
        new Random(5).nextBytes(junk);
        Files.write(dir.resolve("junk.mp4"), junk);
        expectIntegrityError("junk.mp4", "not a readable video");
        // A video, but not one of ours.
        ffmpeg(
                "-f",
                "lavfi",
                "-i",
                "testsrc=duration=1:size=640x360:rate=10",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "other.mp4");
        expectIntegrityError("other.mp4", "no readable Forge video frame");
    }

    @Test
    void refusesToOverwriteAndNamesMissingFiles() throws Exception {
        Files.writeString(dir.resolve("exists.bin"), "keep\n");
        run(dir, "video", "decode", "up.mp4", "exists.bin")
                .expect(ExitCode.WOULD_OVERWRITE.code())
                .oneLineError();
        assertEquals("keep\n", Files.readString(dir.resolve("exists.bin")));
        run(dir, "video", "encode", "payload.bin", "up.mp4")
                .expect(ExitCode.WOULD_OVERWRITE.code())
                .oneLineError();
        run(dir, "video", "decode", "nope.mp4", "x.bin")
                .expect(ExitCode.NOT_FOUND.code())
                .oneLineError();
        run(dir, "video", "encode", "--resolution", "720p", "payload.bin", "y.mp4")
                .expect(ExitCode.USAGE.code())
                .oneLineError();
    }

    @Test
    void missingFfmpegNamesTheDebianPackage() throws Exception {
        // PATH with everything of /usr/bin and /bin except ffmpeg and ffprobe.
        Path bin = Files.createDirectories(tmp.resolve("bin-without-ffmpeg"));
        for (String d : List.of("/usr/bin", "/bin")) {
            Path p = Path.of(d);
            if (!Files.isDirectory(p)) continue;
            try (Stream<Path> s = Files.list(p)) {
                for (Path f : s.toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals("ffmpeg") || name.equals("ffprobe") || Files.exists(bin.resolve(name))) continue;
                    Files.createSymbolicLink(bin.resolve(name), f);
                }
            }
        }
        ForgeProcess.Result r = run(
                        dir,
                        Duration.ofMinutes(2),
                        List.of("video", "decode", "up.mp4", "nothing.bin"),
                        Map.of("PATH", bin.toString()))
                .expect(ExitCode.FAILURE.code())
                .oneLineError();
        assertTrue(r.stderr().contains("ffprobe is not on PATH"), r.describe());
        assertTrue(r.stderr().contains("Debian package ffmpeg"), r.describe());
        assertFalse(Files.exists(dir.resolve("nothing.bin")));
        run(
                        dir,
                        Duration.ofMinutes(2),
                        List.of("video", "encode", "payload.bin", "none.mp4"),
                        Map.of("PATH", bin.toString()))
                .expect(ExitCode.FAILURE.code())
                .oneLineError();
        assertFalse(Files.exists(dir.resolve("none.mp4")));
        assertNoTemporaryFiles();
    }

    private JsonNode decodeOk(String video) throws IOException {
        String out = "out-" + video + ".bin";
        JsonNode r = json(run(dir, "video", "decode", "--json", video, out).ok());
        assertArrayEquals(payload, Files.readAllBytes(dir.resolve(out)), video);
        assertTrue(r.path("blake3Matched").asBoolean(), r.toString());
        assertEquals(payload.length, r.path("payloadBytes").asInt());
        return r;
    }

    private void expectIntegrityError(String video, String message) throws IOException {
        String out = "out-" + video + ".bin";
        ForgeProcess.Result r = run(dir, "video", "decode", video, out)
                .expect(ExitCode.INTEGRITY.code())
                .oneLineError();
        assertTrue(r.stderr().contains(message), r.describe());
        assertFalse(Files.exists(dir.resolve(out)), "no output for " + video);
        assertNoTemporaryFiles();
    }

    private void expectJsonIntegrityError(String video, String message) throws IOException {
        String out = "out-json-" + video + ".bin";
        ForgeProcess.Result jr =
                run(dir, "video", "decode", "--json", video, out).expect(ExitCode.INTEGRITY.code());
        JsonNode j = E2eFiles.JSON.readTree(jr.stderr());
        assertEquals(5, j.path("exitCode").asInt(), jr.describe());
        assertTrue(j.path("error").asText().contains(message), jr.describe());
        assertFalse(Files.exists(dir.resolve(out)));
        assertNoTemporaryFiles();
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> temps = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".forge-video-"))
                    .toList();
            assertEquals(List.of(), temps);
        }
    }

    private void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y"));
        cmd.addAll(Arrays.asList(args));
        Path log = Files.createTempFile(tmp, "ffmpeg", ".log");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ffmpeg timed out: " + cmd);
        assertEquals(0, p.exitValue(), () -> "ffmpeg failed: " + cmd + "\n" + readQuietly(log));
    }

    private static String encoders() throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-encoders")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
