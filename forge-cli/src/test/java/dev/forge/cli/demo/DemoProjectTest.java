package dev.forge.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forge.cli.Main;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoProjectTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run forge(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demoVersionsTheProjectStoresLittleForV2AndVerifiesBothCheckouts() throws Exception {
        Path dir = tmp.resolve("demo");
        Run r = forge("demo", "--dir", dir.toString(), "--size-mib", "8", "--json", "--keep-checkouts");
        assertEquals(0, r.code(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertEquals("", r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());

        long large = json.get("largeBinaryBytes").asLong();
        assertEquals(8L << 20, large);
        long increment = json.get("v2").get("storedIncrement").asLong();
        assertTrue(increment > 0, "v2 stored nothing?");
        assertTrue(
                increment < large / 4,
                "v2 stored " + increment + " bytes, not far less than the " + large + "-byte binary");
        assertTrue(json.get("verification").get("passed").asBoolean());
        assertEquals(52 + 64, json.get("verification").get("files").asInt());
        assertEquals(52, json.get("v1").get("files").asInt());
        assertEquals(64, json.get("v2").get("files").asInt());
        assertEquals(
                Path.of(json.get("repository").asText()), dir.toAbsolutePath().normalize());
        for (JsonNode step : json.get("steps")) assertTrue(step.get("seconds").asDouble() >= 0, step.toString());

        // The frames are real PNGs, and v2 has twelve more.
        List<Path> frames;
        try (Stream<Path> s = Files.list(dir.resolve("frames"))) {
            frames = s.sorted().toList();
        }
        assertEquals(60, frames.size());
        assertEquals("shot010_0060.png", frames.getLast().getFileName().toString());
        for (Path f : frames) {
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, f + " is not a readable PNG");
            assertEquals(640, img.getWidth());
            assertEquals(360, img.getHeight());
        }

        // The WAV opens, keeps its length through the punch-in, and the punch-in changed it.
        Path v1 = Path.of(json.get("checkouts").asText()).resolve("v1");
        Path wav2 = dir.resolve("audio/dialogue.wav");
        Path wav1 = v1.resolve("audio/dialogue.wav");
        try (AudioInputStream a2 = AudioSystem.getAudioInputStream(wav2.toFile());
                AudioInputStream a1 = AudioSystem.getAudioInputStream(wav1.toFile())) {
            AudioFormat f = a2.getFormat();
            assertEquals(48_000f, f.getSampleRate());
            assertEquals(24, f.getSampleSizeInBits());
            assertEquals(2, f.getChannels());
            assertEquals(20L * 48_000, a2.getFrameLength());
            assertEquals(a1.getFrameLength(), a2.getFrameLength());
        }
        assertEquals(Files.size(wav1), Files.size(wav2));
        assertFalse(Arrays.equals(Files.readAllBytes(wav1), Files.readAllBytes(wav2)), "the punch-in changed nothing");

        // The glb header: "glTF", version 2, total length = file size.
        byte[] glb = Files.readAllBytes(dir.resolve("models/prop.glb"));
        assertEquals("glTF", new String(glb, 0, 4, StandardCharsets.US_ASCII));
        ByteBuffer h = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, h.getInt(4));
        assertEquals(glb.length, h.getInt(8));
        assertEquals("JSON", new String(glb, 16, 4, StandardCharsets.US_ASCII));
        assertTrue(new String(glb, 20, h.getInt(12), StandardCharsets.UTF_8).contains("\"POSITION\""));

        // The large binary grew by exactly the inserted layer; the v1 checkout has the original.
        assertEquals(large + json.get("insertedBytes").asLong(), Files.size(dir.resolve(DemoProject.LARGE)));
        assertEquals(large, Files.size(v1.resolve(DemoProject.LARGE)));

        // The repository is left for the user to explore, with a clean work tree.
        Run status = forge("status", "-C", dir.toString());
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("clean"), status.out());
    }

    @Test
    void sameSeedsWriteTheSameBytesAndCheckoutsAreRemovedByDefault() throws Exception {
        Path a = tmp.resolve("a");
        Run r = forge("demo", "--dir", a.toString(), "--size-mib", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cd " + a.toAbsolutePath().normalize() + " && forge log"), r.out());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("a"), s.map(p -> p.getFileName().toString()).toList(), "checkout folders left behind");
        }
        // Version 1 again, straight from the generator: the same bytes for the files v2 did not touch.
        Path b = Files.createDirectories(tmp.resolve("b"));
        Manifest m = new DemoProject(b, 1).writeVersion1(dev.forge.core.port.ProgressListener.NONE);
        for (String f : List.of(DemoProject.MODEL, DemoProject.framePath(7))) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
            assertArrayEquals(DemoProject.hash(b.resolve(f)), m.get(f).sha256(), f);
        }
        assertEquals(1L << 20, m.get(DemoProject.LARGE).size());
    }

    @Test
    void refusesANonEmptyFolderWithOneLineAndNoStackTrace() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(dir.resolve("keep.txt"), "mine");
        Run r = forge("demo", "--dir", dir.toString(), "--size-mib", "1");
        assertNotEquals(0, r.code());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("forge: ") && lines.get(0).contains("not empty"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(
                    List.of("keep.txt"), s.map(p -> p.getFileName().toString()).toList());
        }

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run f = forge("demo", "--dir", file.toString());
        assertEquals(2, f.code(), f.err());
        assertEquals(1, f.err().lines().count(), f.err());

        Run size = forge("demo", "--dir", tmp.resolve("new").toString(), "--size-mib", "0");
        assertEquals(2, size.code(), size.err());
        assertEquals(1, size.err().lines().count(), size.err());
        assertFalse(Files.exists(tmp.resolve("new")), "refused, yet created the folder");
    }
}
