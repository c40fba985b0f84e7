package dev.forge.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The header readers on hand-built files (64-bit boxes, co64, moov at the end, RF64) and on garbage. */
class MediaProbeTest {
    /** A ByteSource over an array that counts the bytes read, to show that probes read headers only. */
    static final class ArraySource implements ByteSource {
        final byte[] bytes;
        long bytesRead;

        ArraySource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public byte[] read(long offset, int length) {
            if (offset >= bytes.length) return new byte[0];
            byte[] b = Arrays.copyOfRange(bytes, (int) offset, (int) Math.min(bytes.length, offset + length));
            bytesRead += b.length;
            return b;
        }
    }

    // ---- ISO BMFF builders

    private static byte[] box(String type, byte[]... parts) {
        int n = 8;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n).putInt(n).put(type.getBytes(StandardCharsets.US_ASCII));
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    private static byte[] ints(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (long v : values) b.putInt((int) v);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /**
     * ftyp, a 64-bit-size mdat with 10 samples of 100 bytes, then a moov of size 0 ("to the end") with an
     * hvc1 track at 1 frame per second, its samples in two chunks located by co64.
     */
    static byte[] syntheticMp4() {
        byte[] ftyp = box(
                "ftyp",
                "isom".getBytes(StandardCharsets.US_ASCII),
                ints(0x200),
                "isom".getBytes(StandardCharsets.US_ASCII));
        byte[] payload = new byte[1000];
        new Random(1).nextBytes(payload);
        ByteBuffer mdat = ByteBuffer.allocate(16 + payload.length)
                .putInt(1)
                .put("mdat".getBytes(StandardCharsets.US_ASCII))
                .putLong(16 + payload.length)
                .put(payload);
        long samplesAt = ftyp.length + 16;

        byte[] mvhd = box(
                "mvhd",
                new byte[] {1, 0, 0, 0},
                new byte[16],
                ints(1000),
                ByteBuffer.allocate(8).putLong(10_000).array(),
                new byte[80]);
        byte[] tkhd = box(
                "tkhd", ints(0, 0, 0, 7, 0, 10), new byte[8], new byte[8], new byte[36], ints(640L << 16, 480L << 16));
        byte[] mdhd = box("mdhd", ints(0, 0, 0, 1, 10), new byte[4]);
        byte[] hdlr = box("hdlr", ints(0, 0), "vide".getBytes(StandardCharsets.US_ASCII), new byte[12], new byte[] {0});
        byte[] entry = box(
                "hvc1",
                new byte[6],
                new byte[] {0, 1},
                new byte[16],
                new byte[] {2, (byte) 0x80, 1, (byte) 0xe0},
                new byte[50]);
        byte[] stsd = box("stsd", ints(0, 1), entry);
        byte[] stts = box("stts", ints(0, 1, 10, 1));
        byte[] stsc = box("stsc", ints(0, 1, 1, 5, 1));
        byte[] stsz = box("stsz", ints(0, 0, 10, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100));
        byte[] co64 = box(
                "co64",
                ints(0, 2),
                ByteBuffer.allocate(16)
                        .putLong(samplesAt)
                        .putLong(samplesAt + 500)
                        .array());
        byte[] stbl = box("stbl", stsd, stts, stsc, stsz, co64);
        byte[] trak = box("trak", tkhd, box("mdia", mdhd, hdlr, box("minf", stbl)));
        byte[] moov = box("moov", mvhd, trak);
        ByteBuffer.wrap(moov).putInt(0, 0); // size 0: extends to the end of the file
        return concat(ftyp, mdat.array(), moov);
    }

    @Test
    void mp4WithMoovAtTheEndLargeSizesAndCo64() {
        byte[] file = syntheticMp4();
        ArraySource src = new ArraySource(file);
        MediaProbe.Probe p = MediaProbe.probe(src);
        MediaInfo.Video v = assertInstanceOf(MediaInfo.Video.class, p.info());
        assertEquals("mp4", v.container());
        assertEquals("isom", v.brand());
        assertEquals(10.0, v.durationSeconds());
        assertEquals(List.of(new MediaInfo.Track(7, "vide", "hvc1", 640, 480, 10.0, 10L, 1.0, null, null)), v.tracks());
        assertTrue(src.bytesRead < file.length, "the mdat payload is skipped, not read: " + src.bytesRead);

        long samplesAt = indexOf(file, "mdat") + 12; // after the type and the 64-bit size
        // Byte 250 of the samples is in sample 2 (seconds 2..3); 480..520 spans samples 4 and 5 across the chunk
        // border.
        assertEquals(List.of(new TimeRange(2, 3)), p.timeMap().times(List.of(new ByteRange(samplesAt + 250, 10))));
        assertEquals(List.of(new TimeRange(4, 6)), p.timeMap().times(List.of(new ByteRange(samplesAt + 480, 40))));
        assertEquals(
                List.of(new TimeRange(0, 1), new TimeRange(9, 10)),
                p.timeMap().times(List.of(new ByteRange(0, samplesAt + 1), new ByteRange(samplesAt + 999, 5000))));
        assertEquals(List.of(), p.timeMap().times(List.of(new ByteRange(0, 20))), "the ftyp holds no samples");
    }

    private static int indexOf(byte[] b, String type) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + 4 <= b.length; i++) {
            for (int j = 0; j < 4; j++) if (b[i + j] != t[j]) continue outer;
            return i;
        }
        return -1;
    }

    // ---- WAV

    static byte[] wav(String riff, int channels, int rate, int bits, byte[] data, boolean ds64) {
        ByteBuffer b =
                ByteBuffer.allocate(12 + (ds64 ? 36 : 0) + 24 + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(riff.getBytes(StandardCharsets.US_ASCII))
                .putInt(ds64 ? -1 : b.capacity() - 8)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        if (ds64)
            b.put("ds64".getBytes(StandardCharsets.US_ASCII))
                    .putInt(28)
                    .putLong(b.capacity() - 8)
                    .putLong(data.length)
                    .putLong(0)
                    .putInt(0);
        int block = channels * bits / 8;
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) channels)
                .putInt(rate)
                .putInt(rate * block)
                .putShort((short) block)
                .putShort((short) bits);
        b.put("data".getBytes(StandardCharsets.US_ASCII))
                .putInt(ds64 ? -1 : data.length)
                .put(data);
        return b.array();
    }

    @Test
    void wavAndRf64() {
        byte[] data = new byte[48_000 * 6 * 2]; // 2 s of 24-bit stereo at 48 kHz
        for (boolean rf64 : new boolean[] {false, true}) {
            byte[] file = wav(rf64 ? "RF64" : "RIFF", 2, 48_000, 24, data, rf64);
            MediaProbe.Probe p = MediaProbe.probe(new ArraySource(file));
            assertEquals(new MediaInfo.Audio("wav", "pcm", 2, 48_000, 24, 2.0), p.info());
            long start = file.length - data.length;
            assertEquals(
                    List.of(new TimeRange(0.5, 1.0)),
                    p.timeMap().times(List.of(new ByteRange(start + 144_000, 144_000))));
            assertEquals(List.of(), p.timeMap().times(List.of(new ByteRange(0, 20))), "the header is no time");
        }
    }

    // ---- images

    @Test
    void pngAndJpegDimensions() throws IOException {
        BufferedImage img = new BufferedImage(33, 17, BufferedImage.TYPE_INT_ARGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        assertEquals(
                new MediaInfo.Image("png", 33, 17, 8, "rgba"),
                MediaProbe.probe(new ArraySource(png.toByteArray())).info());
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(70, 30, BufferedImage.TYPE_BYTE_GRAY), "jpeg", jpg);
        // An APP1 segment before the frame, as cameras write EXIF, and a fill byte.
        byte[] j = jpg.toByteArray();
        byte[] app1 = new byte[4 + 3000];
        app1[0] = (byte) 0xFF;
        app1[1] = (byte) 0xE1;
        app1[2] = (byte) (3002 >> 8);
        app1[3] = (byte) (3002 & 0xff);
        byte[] withExif =
                concat(Arrays.copyOf(j, 2), app1, new byte[] {(byte) 0xFF}, Arrays.copyOfRange(j, 2, j.length));
        MediaProbe.Probe p = MediaProbe.probe(new ArraySource(withExif));
        assertEquals(new MediaInfo.Image("jpeg", 70, 30, 8, "gray"), p.info());
        assertNull(p.timeMap());
        assertNull(MediaProbe.probe(new ArraySource("plain text, not media".getBytes(StandardCharsets.UTF_8))));
    }

    // ---- garbage

    @Test
    void mutatedAndTruncatedFilesNeverThrow() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", png);
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "jpeg", jpg);
        List<byte[]> seeds = List.of(
                syntheticMp4(),
                wav("RIFF", 1, 8000, 16, new byte[4000], false),
                wav("RF64", 1, 8000, 16, new byte[400], true),
                png.toByteArray(),
                jpg.toByteArray());
        Random rnd = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] seed = seeds.get(i % seeds.size());
            byte[] b = rnd.nextInt(4) == 0 ? Arrays.copyOf(seed, rnd.nextInt(seed.length + 1)) : seed.clone();
            int edits = 1 + rnd.nextInt(8);
            for (int e = 0; e < edits && b.length > 4; e++) {
                int at = rnd.nextInt(b.length);
                switch (rnd.nextInt(4)) {
                    case 0 -> b[at] = (byte) rnd.nextInt(256);
                    case 1 -> ByteBuffer.wrap(b).putInt(Math.min(at, b.length - 4), rnd.nextBoolean() ? 0 : 1);
                    case 2 -> ByteBuffer.wrap(b).putInt(Math.min(at, b.length - 4), -1);
                    default -> ByteBuffer.wrap(b).putInt(Math.min(at, b.length - 4), rnd.nextInt(b.length + 1));
                }
            }
            MediaProbe.Probe p = MediaProbe.probe(new ArraySource(b));
            if (p != null) {
                assertNotNull(p.info());
                if (p.timeMap() != null) {
                    long o = rnd.nextInt(b.length + 1);
                    p.timeMap().times(List.of(new ByteRange(o, rnd.nextInt(2000)), new ByteRange(o + 3000, 10)));
                }
            }
        }
    }
}
