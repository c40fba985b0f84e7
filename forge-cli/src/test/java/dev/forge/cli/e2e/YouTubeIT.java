package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.mirror.youtube.FakeYouTube;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The YouTube mirror end to end through dist/forge (issue 18): a push uploads the encrypted packs as a video to
 * {@link FakeYouTube} (the resumable upload protocol on 127.0.0.1), the uploaded file is re-encoded the way
 * YouTube serves it (H.264 1080p at about 5 Mb/s), and {@code forge mirror restore} rebuilds an empty repository
 * from it alone (with the same user's identity), checked by fsck and byte for byte. Tiny payloads: encoding is slow.
 */
class YouTubeIT {
    @TempDir
    Path tmp;

    ForgeProcess.Result forge(Path dir, Map<String, String> env, String... args) {
        return ForgeProcess.run(dir, Duration.ofMinutes(3), Arrays.asList(args), env);
    }

    @Test
    void pushUploadsAVideoThatRestoresAnEmptyRepositoryAfterAReEncode() throws Exception {
        Assumptions.assumeTrue(
                onPath("ffmpeg") && onPath("ffprobe"), "ffmpeg/ffprobe not installed (apt install ffmpeg)");
        try (FakeYouTube yt = FakeYouTube.start("tok", null)) {
            Map<String, String> env = Map.of(
                    "XDG_CONFIG_HOME", tmp.resolve("config").toString(),
                    "FORGE_YOUTUBE_TOKEN", "tok",
                    "FORGE_IDENTITY", "",
                    "FORGE_PASSPHRASE", "");
            Path w = Files.createDirectories(tmp.resolve("w"));
            Files.createDirectories(w.resolve("shots"));
            byte[] take = new byte[6_000];
            new Random(18).nextBytes(take);
            Files.write(w.resolve("shots/take.bin"), take);
            Files.writeString(w.resolve("notes.txt"), "the butler did it\n".repeat(50));
            forge(w, env, "init").ok();
            forge(w, env, "add", ".").ok();
            forge(w, env, "commit", "-m", "first").ok();
            forge(w, env, "remote", "add", "origin", tmp.resolve("origin").toString())
                    .ok();
            ForgeProcess.Result added = forge(w, env, "mirror", "add", "yt", "youtube://film?api=" + yt.api())
                    .ok();
            assertTrue(added.stderr().contains("EXPERIMENTAL"), added::describe);
            assertTrue(added.stderr().contains("NOT a durable replica"), added::describe);
            assertTrue(added.stderr().contains("keep a real remote"), added::describe);

            ForgeProcess.Result pushed = forge(w, env, "push", "origin").ok();
            assertTrue(pushed.output().contains("uploaded to YouTube"), pushed::describe);
            assertEquals(1, yt.videos().size(), pushed::describe);
            assertEquals(
                    "unlisted",
                    yt.videos()
                            .getFirst()
                            .resource()
                            .path("status")
                            .path("privacyStatus")
                            .asText());

            JsonNode status =
                    json(forge(w, env, "mirror", "status", "yt", "--json").ok());
            JsonNode y = status.path(0).path("youtube");
            assertEquals(1, y.path("videos").asInt(), status::toString);
            assertEquals(0, y.path("packsPending").asInt(), status::toString);
            assertTrue(Files.readString(w.resolve(".forge/remotes/yt/youtube.json"))
                    .contains(yt.videos().getFirst().id()));

            // What the owner downloads: YouTube's own re-encode of the upload.
            Path up = Files.createDirectories(tmp.resolve("up"));
            Path dl = Files.createDirectories(tmp.resolve("downloads"));
            for (Path f : yt.download(up)) {
                ffmpeg(
                        "-i",
                        f.toString(),
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
                        dl.resolve(f.getFileName()).toString());
            }
            assertFalse(Arrays.equals(
                    Files.readAllBytes(up.resolve(yt.videos().getFirst().id() + ".mp4")),
                    Files.readAllBytes(dl.resolve(yt.videos().getFirst().id() + ".mp4"))));

            Path r = Files.createDirectories(tmp.resolve("r"));
            forge(r, env, "init").ok();
            JsonNode restored = json(forge(r, env, "mirror", "restore", "yt", "--from", dl.toString(), "--json")
                    .ok());
            assertTrue(restored.path("complete").asBoolean(), restored::toString);
            assertEquals("main", restored.path("checkedOut").asText(), restored::toString);
            assertTrue(restored.path("videos").path(0).path("ok").asBoolean(), restored::toString);
            forge(r, env, "fsck").ok();
            assertArrayEquals(take, Files.readAllBytes(r.resolve("shots/take.bin")));
            assertEquals(Files.readString(w.resolve("notes.txt")), Files.readString(r.resolve("notes.txt")));

            // A folder with nothing usable: exit 5, the file named.
            Path junk = Files.createDirectories(tmp.resolve("junk"));
            Files.write(junk.resolve("clip.mp4"), take);
            ForgeProcess.Result none = forge(w, env, "mirror", "restore", "yt", "--from", junk.toString())
                    .expect(5);
            assertTrue(none.stderr().contains("clip.mp4"), none::describe);
        }
    }

    private void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y"));
        cmd.addAll(Arrays.asList(args));
        Path log = Files.createTempFile(tmp, "ffmpeg", ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ffmpeg timed out: " + cmd);
        assertEquals(0, p.exitValue(), () -> "ffmpeg failed: " + cmd + "\n" + ForgeProcess.readQuietly(log));
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
