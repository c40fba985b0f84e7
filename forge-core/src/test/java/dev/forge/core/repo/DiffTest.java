package dev.forge.core.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.media.MediaInfo;
import dev.forge.core.media.TimeRange;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.mem.MemLocalStoreFactory;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forge diff in-process on the in-memory store: new bytes from chunk lists, text diffs, media headers, time ranges. */
class DiffTest {
    private static final String AUTHOR = "Test <test@forge.invalid>";
    private static final ProgressListener P = ProgressListener.NONE;

    @TempDir
    Path dir;

    private final MemLocalStoreFactory factory = new MemLocalStoreFactory();

    private Repository init() {
        return Repository.init(factory, dir, RepoConfig.defaults());
    }

    private void commitAll(Repository repo, String message) {
        new Add(repo).run(dir, List.of("."), P);
        new CommitOp(repo).run(message, AUTHOR, false);
    }

    private static Diff.FileDiff only(Diff.Result r) {
        assertEquals(1, r.files().size(), () -> "changed: " + r.files());
        return r.files().get(0);
    }

    @Test
    void largeBinaryWithSmallOverwriteHasFewNewBytesInEveryMode() throws Exception {
        byte[] big = new byte[3_000_000];
        new Random(1).nextBytes(big);
        Path f = dir.resolve("plate.bin");
        Files.write(f, big);
        try (Repository repo = init()) {
            commitAll(repo, "v1");
            byte[] patch = new byte[1000];
            new Random(2).nextBytes(patch);
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.seek(1_500_000);
                raf.write(patch);
            }
            List<Long> seen = new ArrayList<>();
            for (List<String> revs : List.of(List.<String>of(), List.of("HEAD"))) {
                Diff.FileDiff d = only(new Diff(repo).run(dir, revs, List.of(), true, P));
                assertEquals(Status.ChangeKind.MODIFIED, d.change());
                assertEquals(3_000_000, d.oldSize());
                assertEquals(3_000_000, d.newSize());
                assertTrue(d.newBytes() > 1000 && d.newBytes() < 600_000, "new bytes " + d.newBytes());
                assertTrue(d.newRanges().get(0).offset() <= 1_500_000
                        && d.newRanges().get(d.newRanges().size() - 1).end() >= 1_501_000);
                assertNull(d.unifiedDiff(), "binary: no text diff");
                assertNull(d.newMedia());
                seen.add(d.newBytes());
            }
            commitAll(repo, "v2");
            assertTrue(
                    new Diff(repo)
                            .run(dir, List.of(), List.of(), true, P)
                            .files()
                            .isEmpty(),
                    "stage = work tree after add");
            assertTrue(new Diff(repo)
                    .run(dir, List.of("HEAD"), List.of(), true, P)
                    .files()
                    .isEmpty());
            Diff.Result r = new Diff(repo).run(dir, List.of("HEAD~1", "HEAD"), List.of(), false, P);
            assertEquals(Diff.SideKind.COMMIT, r.to().kind());
            seen.add(only(r).newBytes());
            assertEquals(1, seen.stream().distinct().count(), "every mode counts the same new bytes: " + seen);
            long back = only(new Diff(repo).run(dir, List.of("HEAD", "HEAD~1"), List.of(), false, P))
                    .newBytes();
            assertTrue(back > 1000 && back < 600_000, "and backwards: " + back);
        }
    }

    @Test
    void textFileGetsUnifiedDiff() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n");
        Files.writeString(dir.resolve("other.txt"), "unchanged\n");
        try (Repository repo = init()) {
            commitAll(repo, "v1");
            Files.writeString(dir.resolve("notes.txt"), "one\ntwo\nthree\nFOUR\nfive\nsix\nseven\neight");
            Files.writeString(dir.resolve("new.txt"), "hello\n");
            new Add(repo).run(dir, List.of("new.txt"), P);
            Diff.Result r = new Diff(repo).run(dir, List.of("HEAD"), List.of(), true, P);
            assertEquals(
                    List.of("new.txt", "notes.txt"),
                    r.files().stream().map(Diff.FileDiff::path).toList());
            Diff.FileDiff added = r.files().get(0);
            assertEquals(Status.ChangeKind.ADDED, added.change());
            assertEquals(List.of("--- /dev/null", "+++ b/new.txt", "@@ -0,0 +1,1 @@", "+hello"), added.unifiedDiff());
            List<String> u = r.files().get(1).unifiedDiff();
            assertEquals(
                    List.of(
                            "--- a/notes.txt",
                            "+++ b/notes.txt",
                            "@@ -1,8 +1,8 @@",
                            " one",
                            " two",
                            " three",
                            "-four",
                            "+FOUR",
                            " five",
                            " six",
                            " seven",
                            "-eight",
                            "+eight",
                            "\\ No newline at end of file"),
                    u);
            Diff.FileDiff only =
                    only(new Diff(repo).run(dir.resolve("."), List.of("HEAD"), List.of("notes.txt"), true, P));
            assertEquals("notes.txt", only.path());
        }
    }

    @Test
    void editedPngShowsBothDimensions() throws Exception {
        Path f = dir.resolve("frames/f001.png");
        Files.createDirectories(f.getParent());
        writePng(f, 64, 48);
        try (Repository repo = init()) {
            commitAll(repo, "v1");
            writePng(f, 128, 96);
            Diff.FileDiff d = only(new Diff(repo).run(dir, List.of("HEAD"), List.of("frames"), true, P));
            MediaInfo.Image a = assertInstanceOf(MediaInfo.Image.class, d.oldMedia());
            MediaInfo.Image b = assertInstanceOf(MediaInfo.Image.class, d.newMedia());
            assertEquals(new MediaInfo.Image("png", 64, 48, 8, "rgb"), a);
            assertEquals(new MediaInfo.Image("png", 128, 96, 8, "rgb"), b);
            assertNull(d.changedTimes(), "images have no time");
            Path jpg = dir.resolve("frames/f001.jpg");
            BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
            assertTrue(ImageIO.write(img, "jpeg", jpg.toFile()));
            commitAll(repo, "v2");
            Diff.FileDiff j =
                    only(new Diff(repo).run(dir, List.of("HEAD~1", "HEAD"), List.of("frames/f001.jpg"), true, P));
            assertEquals(Status.ChangeKind.ADDED, j.change());
            assertNull(j.oldMedia());
            assertEquals(new MediaInfo.Image("jpeg", 320, 200, 8, "ycbcr"), j.newMedia());
        }
    }

    @Test
    void wavPunchInMapsToTimeNearTheEdit() throws Exception {
        int rate = 44_100;
        int frame = 4; // 16-bit stereo
        byte[] pcm = new byte[10 * rate * frame];
        new Random(3).nextBytes(pcm);
        Path f = dir.resolve("audio/mix.wav");
        Files.createDirectories(f.getParent());
        writeWav(f, pcm, rate);
        try (Repository repo = init()) {
            commitAll(repo, "v1");
            byte[] punch = pcm.clone();
            byte[] take2 = new byte[rate * frame / 2];
            new Random(4).nextBytes(take2);
            System.arraycopy(take2, 0, punch, 5 * rate * frame, take2.length); // 5.0 s .. 5.5 s
            writeWav(f, punch, rate);
            commitAll(repo, "v2");
            Diff.FileDiff d = only(new Diff(repo).run(dir, List.of("HEAD~1", "HEAD"), List.of(), true, P));
            MediaInfo.Audio a = assertInstanceOf(MediaInfo.Audio.class, d.newMedia());
            assertEquals(new MediaInfo.Audio("wav", "pcm", 2, rate, 16, 10.0), a);
            assertEquals(a, d.oldMedia());
            List<TimeRange> t = d.changedTimes();
            assertNotNull(t);
            assertFalse(t.isEmpty());
            assertTrue(t.get(0).start() <= 5.0 && t.get(t.size() - 1).end() >= 5.5, "covers the punch-in: " + t);
            // Chunks are up to 256 KiB (1.5 s here), and the chunker resynchronises within a chunk or two after an
            // edit.
            assertTrue(t.get(0).start() >= 3.0 && t.get(t.size() - 1).end() <= 8.0, "and little else: " + t);
        }
    }

    @Test
    void mp4MetadataAndChangedTimes() throws Exception {
        Assumptions.assumeTrue(onPath("ffmpeg") && onPath("ffprobe"), "ffmpeg/ffprobe not installed");
        Path clip = dir.resolve("clip.mp4");
        ffmpeg(
                "-f",
                "lavfi",
                "-i",
                "testsrc=duration=2:size=320x240:rate=25",
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
                clip.toString());
        // A longer clip with the movie header in front (+faststart) and audio, for the time mapping.
        Path longClip = dir.resolve("long.mov");
        ffmpeg(
                "-f",
                "lavfi",
                "-i",
                "testsrc=duration=12:size=1280x720:rate=30",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=12",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "30",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-movflags",
                "+faststart",
                longClip.toString());
        try (Repository repo = init()) {
            commitAll(repo, "v1");
            long offset = Files.size(longClip) * 6 / 10;
            overwrite(clip, Files.size(clip) / 2, 1000);
            overwrite(longClip, offset, 1000);
            Diff.Result r = new Diff(repo).run(dir, List.of("HEAD"), List.of(), true, P);
            assertEquals(2, r.files().size());

            Diff.FileDiff d = r.files().get(0);
            assertEquals("clip.mp4", d.path());
            for (MediaInfo m : List.of(d.oldMedia(), d.newMedia())) {
                MediaInfo.Video v = assertInstanceOf(MediaInfo.Video.class, m);
                assertEquals("mp4", v.container());
                assertEquals(2.0, v.durationSeconds(), 0.05);
                MediaInfo.Track t = v.videoTrack().orElseThrow();
                assertEquals("avc1", t.codec());
                assertEquals(320, t.width());
                assertEquals(240, t.height());
                assertEquals(25.0, t.frameRate(), 0.01);
                assertEquals(50L, t.samples());
            }
            assertNotNull(d.changedTimes());
            assertFalse(d.changedTimes().isEmpty(), "the edit lies in the middle of the frames");
            assertTrue(d.changedTimes().get(0).start() >= 0
                    && d.changedTimes().get(d.changedTimes().size() - 1).end() <= 2.0 + 1e-6);

            Diff.FileDiff l = r.files().get(1);
            MediaInfo.Video v = assertInstanceOf(MediaInfo.Video.class, l.newMedia());
            assertEquals("mov", v.container(), "ffmpeg's mov muxer writes the QuickTime brand");
            assertEquals("qt  ", v.brand());
            assertEquals(12.0, v.durationSeconds(), 0.1);
            assertEquals(
                    List.of("vide", "soun"),
                    v.tracks().stream().map(MediaInfo.Track::handler).toList());
            MediaInfo.Track audio = v.tracks().get(1);
            assertEquals("mp4a", audio.codec());
            assertEquals(1, audio.channels());
            assertEquals(44_100, audio.sampleRate());
            double expected = packetTimeAt(longClip, offset);
            List<TimeRange> times = l.changedTimes();
            // Decode times here start at 0; ffprobe's may start a few frames earlier (B-frame delay): 0.1 s slack.
            assertTrue(
                    times.stream().anyMatch(t -> t.start() <= expected + 0.1 && expected <= t.end() + 0.1),
                    "the packet ffprobe places at byte " + offset + " (t=" + expected + ") is in " + times);
            double covered =
                    times.stream().mapToDouble(t -> t.end() - t.start()).sum();
            assertTrue(covered < 9.0, "a 1000-byte edit maps to a part of the 12 s, not all of it: " + times);
        }
    }

    @Test
    void malformedMediaIsUnknownNotAnError() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H'};
        Files.write(dir.resolve("broken.png"), png);
        byte[] mp4 = new byte[4000];
        new Random(5).nextBytes(mp4);
        ByteBuffer.wrap(mp4)
                .putInt(24)
                .put("ftypisom".getBytes())
                .position(24)
                .putInt(100)
                .put("moov".getBytes())
                .putInt(3000)
                .put("trak".getBytes());
        Files.write(dir.resolve("broken.mp4"), mp4);
        try (Repository repo = init()) {
            commitAll(repo, "v1");
            mp4[2000] ^= 1;
            Files.write(dir.resolve("broken.mp4"), mp4);
            Files.write(dir.resolve("broken.png"), java.util.Arrays.copyOf(png, 9));
            Diff.Result r = new Diff(repo).run(dir, List.of("HEAD"), List.of(), true, P);
            assertEquals(2, r.files().size());
            assertInstanceOf(MediaInfo.Video.class, r.files().get(0).newMedia());
            assertEquals(
                    new MediaInfo.Image("png", null, null, null, null),
                    r.files().get(1).newMedia());
        }
    }

    @Test
    void unknownRevisionAndDeletedFiles() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a\n");
        Files.write(dir.resolve("b.bin"), new byte[] {0, 1, 2});
        try (Repository repo = init()) {
            commitAll(repo, "v1");
            assertThrows(NotFoundException.class, () -> new Diff(repo).run(dir, List.of("nope"), List.of(), true, P));
            assertThrows(
                    NotFoundException.class,
                    () -> new Diff(repo).run(dir, List.of("HEAD", "HEAD~3"), List.of(), true, P));
            Files.delete(dir.resolve("b.bin"));
            Diff.FileDiff d = only(new Diff(repo).run(dir, List.of(), List.of(), true, P));
            assertEquals(Status.ChangeKind.DELETED, d.change());
            assertEquals(3, d.oldSize());
            assertEquals(0, d.newBytes());
        }
    }

    // ---- helpers

    private static void writePng(Path f, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, w / 2, h / 2);
        g.dispose();
        assertTrue(ImageIO.write(img, "png", f.toFile()));
    }

    private static void writeWav(Path f, byte[] pcm, int rate) throws IOException {
        AudioFormat fmt = new AudioFormat(rate, 16, 2, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), fmt, pcm.length / 4)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, f.toFile());
        }
    }

    private static void overwrite(Path f, long offset, int n) throws IOException {
        byte[] b = new byte[n];
        new Random(offset).nextBytes(b);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(b);
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return out;
    }

    private static void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y"));
        cmd.addAll(List.of(args));
        run(cmd.toArray(String[]::new));
    }

    /** The time of the packet (any stream) whose bytes contain {@code offset}, per ffprobe. */
    private static double packetTimeAt(Path f, long offset) throws Exception {
        String csv = run(
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "packet=dts_time,duration_time,pos,size",
                "-of",
                "csv=p=0",
                f.toString());
        for (String line : csv.split("\n")) {
            String[] c = line.trim().split(",");
            if (c.length < 4 || c[2].equals("N/A") || c[3].equals("N/A")) continue;
            // Field order follows the section's own order: dts_time, duration_time, size, pos.
            double dts = Double.parseDouble(c[0]);
            long size = Long.parseLong(c[2]);
            long pos = Long.parseLong(c[3]);
            if (pos <= offset && offset < pos + size) return dts;
        }
        throw new AssertionError("no packet covers byte " + offset);
    }
}
