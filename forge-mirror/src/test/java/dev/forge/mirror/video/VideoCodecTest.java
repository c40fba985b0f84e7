package dev.forge.mirror.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VideoCodecTest {
    private static final int W = 1920;
    private static final int H = 1080;

    private static List<byte[]> encode(byte[] payload, int cell, int bits) throws Exception {
        StreamPlan plan = StreamPlan.of(new FrameLayout(W, H, cell, bits), 32, payload.length);
        List<byte[]> frames = new ArrayList<>();
        VideoEncoder.encode(payload, plan, frames::add);
        assertEquals(plan.totalFrames(), frames.size());
        return frames;
    }

    private static byte[] payload(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static VideoDecoder.Result decode(List<byte[]> frames, int w, int h) {
        VideoDecoder d = new VideoDecoder();
        for (byte[] f : frames) d.accept(f, w, h);
        return d.finish();
    }

    @Test
    void headerRoundTripsThroughItsCells() {
        FrameHeader h = new FrameHeader(2, 8, 32, 1920, 1080, 0x1122334455667788L, 7, 13, 40000, 1, 10, 3, 0xdeadbeef);
        FrameLayout layout = new FrameLayout(W, H, 8, 2);
        byte[] img = layout.render(h.encode(), new byte[layout.capacityBytes()]);
        assertEquals(h, FrameHeader.decode(FrameLayout.readHeader(LocatedFrame.locate(img, W, H))));
    }

    @Test
    void cleanFramesRoundTripForEveryCellSizeAndBits() throws Exception {
        for (int bits : new int[] {1, 2})
            for (int cell : new int[] {4, 8}) {
                byte[] p = payload(30_000, cell * 10 + bits);
                VideoDecoder.Result r = decode(encode(p, cell, bits), W, H);
                assertArrayEquals(p, r.payload());
                assertEquals(0, r.framesRepaired());
                assertEquals(0, r.symbolsCorrected());
                assertTrue(r.blake3Matched());
            }
    }

    @Test
    void ruinedDroppedAndDuplicatedFramesAreRecovered() throws Exception {
        byte[] p = payload(40_000, 5);
        List<byte[]> frames = encode(p, 8, 2);
        List<byte[]> damaged = new ArrayList<>(frames);
        // A ruined frame: a broad grey smear over its data.
        byte[] ruined = damaged.get(1).clone();
        for (int y = 300; y < 800; y++) for (int x = 200; x < 1700; x++) ruined[y * W + x] = (byte) 128;
        damaged.set(1, ruined);
        // A dropped frame and a duplicated one.
        damaged.remove(3);
        damaged.add(5, damaged.get(5).clone());
        VideoDecoder.Result r = decode(damaged, W, H);
        assertArrayEquals(p, r.payload());
        assertEquals(1, r.framesDamaged());
        assertEquals(1, r.framesDuplicate());
        assertEquals(2, r.framesMissing());
        assertEquals(2, r.framesRepaired(), "frames 1 and 3 hold data and are rebuilt");
    }

    @Test
    void aBurstOfLostFramesIsSpreadOverTheGroupsAndRebuilt() throws Exception {
        FrameLayout layout = new FrameLayout(W, H, 8, 1);
        int block = StreamPlan.of(layout, 32, 1).blockBytes();
        byte[] p = payload(165 * block - 32 - 100, 11);
        StreamPlan plan = StreamPlan.of(layout, 32, p.length);
        assertEquals(2, plan.groups());
        int burst = plan.parityPerGroup() * 2 - 2;
        assertTrue(burst > plan.parityPerGroup(), "more than one group could rebuild alone");
        VideoDecoder d = new VideoDecoder();
        int[] index = {0};
        VideoEncoder.encode(p, plan, frame -> {
            int f = index[0]++;
            if (f < 50 || f >= 50 + burst) d.accept(frame, W, H);
        });
        VideoDecoder.Result r = d.finish();
        assertArrayEquals(p, r.payload());
        assertEquals(burst, r.framesMissing());
    }

    @Test
    void scatteredBadCellsAreCorrectedInsideTheFrame() throws Exception {
        byte[] p = payload(20_000, 6);
        List<byte[]> frames = encode(p, 8, 1);
        Random rnd = new Random(7);
        List<byte[]> noisy = new ArrayList<>();
        for (byte[] f : frames) {
            byte[] g = f.clone();
            for (int i = 0; i < 40; i++) {
                int x = 200 + rnd.nextInt(1500);
                int y = 200 + rnd.nextInt(700);
                for (int yy = y; yy < y + 8; yy++) for (int xx = x; xx < x + 8; xx++) g[yy * W + xx] ^= (byte) 0x80;
            }
            noisy.add(g);
        }
        VideoDecoder.Result r = decode(noisy, W, H);
        assertArrayEquals(p, r.payload());
        assertEquals(0, r.framesRepaired());
        assertTrue(r.symbolsCorrected() > 0);
    }

    @Test
    void downscaledTo720pAndCroppedFramesStillRead() throws Exception {
        byte[] p = payload(20_000, 8);
        List<byte[]> frames = encode(p, 8, 1);
        List<byte[]> small = new ArrayList<>();
        for (byte[] f : frames) small.add(scale(f, W, H, 1280, 720));
        assertArrayEquals(p, decode(small, 1280, 720).payload());
        List<byte[]> cropped = new ArrayList<>();
        for (byte[] f : frames) cropped.add(crop(f, W, 10, 6, 1900, 1068));
        assertArrayEquals(p, decode(cropped, 1900, 1068).payload());
    }

    @Test
    void tooManyLostFramesIsAnIntegrityErrorAndNoBytes() throws Exception {
        byte[] p = payload(40_000, 9);
        List<byte[]> frames = encode(p, 8, 2);
        List<byte[]> few = new ArrayList<>(frames.subList(0, frames.size() - 4));
        IntegrityException e = assertThrows(IntegrityException.class, () -> decode(few, W, H));
        assertTrue(e.getMessage().contains("cannot recover"), e.getMessage());
        List<byte[]> noise = List.of(payload(W * H, 1), payload(W * H, 2));
        assertThrows(IntegrityException.class, () -> decode(noise, W, H));
    }

    @Test
    void uhdFramesRoundTrip() throws Exception {
        byte[] p = payload(5_000, 10);
        StreamPlan plan = StreamPlan.of(new FrameLayout(3840, 2160, 16, 2), 32, p.length);
        List<byte[]> frames = new ArrayList<>();
        VideoEncoder.encode(p, plan, frames::add);
        List<byte[]> fhd = new ArrayList<>();
        for (byte[] f : frames) fhd.add(scale(f, 3840, 2160, W, H));
        VideoDecoder.Result r = decode(fhd, W, H);
        assertNotNull(r.payload());
        assertArrayEquals(p, r.payload());
    }

    /** Area-average downscale (what a video scaler roughly does). */
    static byte[] scale(byte[] src, int sw, int sh, int dw, int dh) {
        byte[] out = new byte[dw * dh];
        double fx = (double) sw / dw;
        double fy = (double) sh / dh;
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++) {
                int x0 = (int) (x * fx);
                int x1 = Math.max(x0 + 1, (int) ((x + 1) * fx));
                int y0 = (int) (y * fy);
                int y1 = Math.max(y0 + 1, (int) ((y + 1) * fy));
                long sum = 0;
                int n = 0;
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++) {
                        sum += src[yy * sw + xx] & 0xff;
                        n++;
                    }
                out[y * dw + x] = (byte) (sum / n);
            }
        return out;
    }

    static byte[] crop(byte[] src, int sw, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) System.arraycopy(src, (y + y0) * sw + x0, out, y * w, w);
        return out;
    }
}
