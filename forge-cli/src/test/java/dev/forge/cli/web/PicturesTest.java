package dev.forge.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The difference image and the waveform drawing. */
class PicturesTest {
    @Test
    void differenceMarksChangedPixelsAndPixelsOnlyOneSideHas() {
        BufferedImage a = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
        BufferedImage b = new BufferedImage(5, 3, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                a.setRGB(x, y, 0xFF102030);
                b.setRGB(x, y, 0xFF102030);
            }
            b.setRGB(4, y, 0xFF102030);
        }
        b.setRGB(1, 2, 0xFF102031); // one bit of blue
        ImageDiff.Result r = ImageDiff.diff(a, b, 2048);
        assertEquals(5, r.image().getWidth());
        assertEquals(1 + 3, r.changedPixels(), "the changed pixel and the new column");
        assertEquals(ImageDiff.CHANGED, r.image().getRGB(1, 2));
        assertEquals(ImageDiff.CHANGED, r.image().getRGB(4, 0));
        assertEquals(0, r.image().getRGB(0, 0));
        assertEquals(0, r.image().getRGB(3, 2));
    }

    @Test
    void aReducedDifferenceKeepsASinglePixelChange() {
        BufferedImage a = new BufferedImage(4000, 10, BufferedImage.TYPE_INT_RGB);
        BufferedImage b = new BufferedImage(4000, 10, BufferedImage.TYPE_INT_RGB);
        b.setRGB(3999, 9, 0xFFFFFF);
        ImageDiff.Result r = ImageDiff.diff(a, b, 1000);
        assertEquals(1000, r.image().getWidth());
        assertEquals(1, r.changedPixels());
        assertEquals(ImageDiff.CHANGED, r.image().getRGB(999, 2));
    }

    /** A mono 16-bit WAV: {@code silent} frames of 0, then {@code loud} frames alternating full scale. */
    static byte[] wav(int silent, int loud) {
        int frames = silent + loud;
        ByteBuffer b = ByteBuffer.allocate(44 + frames * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + frames * 2);
        b.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
        b.putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(frames * 2);
        for (int i = 0; i < silent; i++) b.putShort((short) 0);
        for (int i = 0; i < loud; i++) b.putShort(i % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE);
        return b.array();
    }

    @Test
    void aWaveformShowsSilenceFlatAndLoudnessTall(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("a.wav");
        Files.write(f, wav(8000, 8000));
        BufferedImage img = Waveform.draw(f, 100, 60);
        int mid = 30;
        // Left half silent: only the axis and the flat line at the middle.
        assertEquals(Waveform.BACKGROUND.getRGB(), img.getRGB(20, 5));
        assertEquals(Waveform.WAVE.getRGB(), img.getRGB(20, mid));
        // Right half at full scale: drawn from top to bottom.
        assertEquals(Waveform.WAVE.getRGB(), img.getRGB(80, 2));
        assertEquals(Waveform.WAVE.getRGB(), img.getRGB(80, 57));
    }

    @Test
    void notAWavIsAnIoError(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("x.wav");
        Files.writeString(f, "RIFF....WAVE but nothing else");
        assertThrows(IOException.class, () -> Waveform.draw(f, 10, 10));
    }

    @Test
    void placeholdersArePictures() throws IOException {
        byte[] png = Previews.placeholder(160, 120);
        BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        assertEquals(160, img.getWidth());
    }

    @Test
    void escapingCoversMarkupAndQuotes() {
        assertEquals("&lt;img src=x onerror=&quot;a&#39;&quot;&gt;&amp;", Html.escape("<img src=x onerror=\"a'\">&"));
        assertEquals("a\uFFFDb", Html.escape("a\u001bb"));
    }
}
