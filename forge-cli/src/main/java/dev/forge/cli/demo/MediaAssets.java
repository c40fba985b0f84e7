package dev.forge.cli.demo;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * The small assets of the demo project, each a deterministic function of its seed: PNG frames of a
 * moving scene, a 24-bit stereo WAV of "dialogue", a binary glTF model. Nothing here touches the
 * repository; {@link DemoProject} decides where the bytes go.
 */
final class MediaAssets {
    private MediaAssets() {}

    static final int FRAME_WIDTH = 640;
    static final int FRAME_HEIGHT = 360;

    static final int SAMPLE_RATE = 48_000;
    static final int CHANNELS = 2;
    static final int SAMPLE_BYTES = 3;
    static final int FRAME_BYTES = CHANNELS * SAMPLE_BYTES;
    static final AudioFormat AUDIO_FORMAT = new AudioFormat(
            AudioFormat.Encoding.PCM_SIGNED, SAMPLE_RATE, 8 * SAMPLE_BYTES, CHANNELS, FRAME_BYTES, SAMPLE_RATE, false);

    // ---- frames -------------------------------------------------------------------------------

    /**
     * Frame {@code n} (1-based) of shot 010: a dusk sky, a sun that drifts right, striped ground in
     * perspective and a figure walking left. Neighbouring frames differ a little, like a real shot.
     */
    static BufferedImage frame(int n) {
        int w = FRAME_WIDTH;
        int h = FRAME_HEIGHT;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        double t = n / 24.0;
        int horizon = 220;
        double sunX = 90 + n * 7.0;
        double sunY = 150 - n * 0.9;
        double sunR = 38;
        int figX = 520 - n * 3;
        int figTop = 170 + (int) (4 * Math.abs(Math.sin(n * 0.5)));
        for (int y = 0; y < h; y++) {
            int row = y * w;
            if (y < horizon) {
                double v = y / (double) horizon;
                int r0 = clamp((int) (30 + 200 * v + 10 * Math.sin(t)));
                int g0 = clamp((int) (40 + 90 * v * v));
                int b0 = clamp((int) (110 - 60 * v));
                int base = (r0 << 16) | (g0 << 8) | b0;
                double dy = y - sunY;
                for (int x = 0; x < w; x++) {
                    double dx = x - sunX;
                    double d = Math.sqrt(dx * dx + dy * dy);
                    if (d < sunR + 24) {
                        double glow = d < sunR ? 1.0 : 1.0 - (d - sunR) / 24.0;
                        int r = clamp((int) (r0 + (255 - r0) * glow));
                        int g = clamp((int) (g0 + (215 - g0) * glow));
                        int b = clamp((int) (b0 + (120 - b0) * glow));
                        px[row + x] = (r << 16) | (g << 8) | b;
                    } else {
                        px[row + x] = base;
                    }
                }
            } else {
                double depth = (y - horizon + 1) / (double) (h - horizon);
                for (int x = 0; x < w; x++) {
                    // Furrows converging on the vanishing point; the camera creeps forward with the frame.
                    double u = (x - w / 2.0) / depth;
                    int stripe = ((int) Math.floor(u / 48.0) + (int) ((1 / depth) * 6 + n * 0.35)) & 1;
                    int g = clamp((int) (60 + 70 * depth + (stripe == 0 ? 18 : 0)));
                    int r = clamp((int) (35 + 40 * depth + (stripe == 0 ? 10 : 0)));
                    int b = clamp((int) (20 + 15 * depth));
                    px[row + x] = (r << 16) | (g << 8) | b;
                }
            }
            if (y >= figTop && y < 300) {
                int half = y < figTop + 22 ? 9 : 14;
                for (int x = Math.max(0, figX - half); x < Math.min(w, figX + half); x++) px[row + x] = 0x1c1a24;
            }
        }
        return img;
    }

    /** Writes {@code img} as PNG to {@code out} without ImageIO's disk cache. */
    static void writePng(BufferedImage img, OutputStream out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(img);
        } finally {
            writer.dispose();
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    // ---- audio --------------------------------------------------------------------------------

    private static final int SINE_BITS = 14;
    private static final float[] SINE = new float[1 << SINE_BITS];

    static {
        for (int i = 0; i < SINE.length; i++) SINE[i] = (float) Math.sin(2 * Math.PI * i / SINE.length);
    }

    /**
     * {@code frames} frames of a voice-like take: syllables of voiced harmonics with pitch glides,
     * pauses between words, a little room tone; the voice sits slightly left of centre.
     */
    static byte[] speech(long seed, int frames) {
        SplitMix64 rng = new SplitMix64(seed);
        byte[] out = new byte[frames * FRAME_BYTES];
        double phase = 0;
        int i = 0;
        while (i < frames) {
            boolean pause = rng.nextInt(5) == 0;
            int len = (int) ((pause ? 0.08 + 0.25 * rng.nextDouble() : 0.12 + 0.2 * rng.nextDouble()) * SAMPLE_RATE);
            double f0 = 105 + 90 * rng.nextDouble();
            double glide = (rng.nextDouble() - 0.5) * 40;
            double amp = pause ? 0 : 0.25 + 0.3 * rng.nextDouble();
            for (int k = 0; k < len && i < frames; k++, i++) {
                double env = amp * Math.sin(Math.PI * k / len);
                double f = f0 + glide * k / len;
                phase += f / SAMPLE_RATE;
                if (phase >= 1) phase -= 1;
                double v = 0;
                if (env > 0) {
                    for (int hNum = 1; hNum <= 6; hNum++) {
                        double p = phase * hNum;
                        v += SINE[(int) ((p - Math.floor(p)) * SINE.length) & (SINE.length - 1)] / hNum;
                    }
                    v *= env * 0.45;
                }
                long r = rng.nextLong();
                double noiseL = ((r & 0xffff) - 32768) / 32768.0 * 0.002;
                double noiseR = (((r >>> 16) & 0xffff) - 32768) / 32768.0 * 0.002;
                int o = i * FRAME_BYTES;
                put24(out, o, v * 0.9 + noiseL);
                put24(out, o + SAMPLE_BYTES, v * 0.7 + noiseR);
            }
        }
        return out;
    }

    private static void put24(byte[] b, int off, double v) {
        int s = (int) Math.round(Math.max(-1, Math.min(1, v)) * 8_388_607);
        b[off] = (byte) s;
        b[off + 1] = (byte) (s >> 8);
        b[off + 2] = (byte) (s >> 16);
    }

    /** Writes PCM frames as a WAV file (RIFF/WAVE, 24-bit stereo, 48 kHz). */
    static void writeWav(byte[] pcm, OutputStream out) throws IOException {
        long frames = pcm.length / FRAME_BYTES;
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), AUDIO_FORMAT, frames)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
        }
    }

    /** The offset of the sample data in a RIFF/WAVE file, given its first bytes. */
    static long wavDataOffset(byte[] head) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157)
            throw new IOException("not a RIFF/WAVE file");
        int pos = 12;
        while (pos + 8 <= head.length) {
            int id = b.getInt(pos);
            long len = b.getInt(pos + 4) & 0xffffffffL;
            if (id == 0x61746164) return pos + 8L; // "data"
            pos += (int) (8 + len + (len & 1));
        }
        throw new IOException("no data chunk in the first " + head.length + " bytes of the WAV file");
    }

    // ---- glTF ---------------------------------------------------------------------------------

    private static final int GLB_MAGIC = 0x46546C67; // "glTF"
    private static final int CHUNK_JSON = 0x4E4F534A; // "JSON"
    private static final int CHUNK_BIN = 0x004E4942; // "BIN\0"

    /**
     * A binary glTF 2.0 file: one mesh, a lumpy rock as a non-indexed triangle list (POSITION only),
     * the JSON chunk padded with spaces and the BIN chunk with zeros to 4 bytes, as the spec requires.
     */
    static byte[] glb(long seed) {
        int stacks = 64;
        int slices = 80;
        int vertices = stacks * slices * 6;
        SplitMix64 rng = new SplitMix64(seed);
        double[] bumps = new double[(stacks + 1) * (slices + 1)];
        for (int i = 0; i < bumps.length; i++) bumps[i] = rng.nextDouble();
        ByteBuffer bin = ByteBuffer.allocate(vertices * 12).order(ByteOrder.LITTLE_ENDIAN);
        float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        int[][] quad = {{0, 0}, {1, 0}, {1, 1}, {0, 0}, {1, 1}, {0, 1}};
        for (int i = 0; i < stacks; i++) {
            for (int j = 0; j < slices; j++) {
                for (int[] q : quad) {
                    int si = i + q[0];
                    int sj = (j + q[1]) % slices;
                    double theta = Math.PI * si / stacks;
                    double phi = 2 * Math.PI * sj / slices;
                    boolean pole = si == 0 || si == stacks;
                    double r = pole
                            ? 1.0
                            : 1 + 0.08 * Math.sin(5 * theta) * Math.cos(3 * phi) + 0.03 * bumps[si * (slices + 1) + sj];
                    float[] p = {
                        (float) (r * Math.sin(theta) * Math.cos(phi) * 0.4),
                        (float) (r * Math.cos(theta) * 0.3),
                        (float) (r * Math.sin(theta) * Math.sin(phi) * 0.4)
                    };
                    for (int k = 0; k < 3; k++) {
                        bin.putFloat(p[k]);
                        min[k] = Math.min(min[k], p[k]);
                        max[k] = Math.max(max[k], p[k]);
                    }
                }
            }
        }
        int binLength = bin.capacity();
        String json = String.format(
                Locale.ROOT,
                "{\"asset\":{\"version\":\"2.0\",\"generator\":\"forge demo\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],"
                        + "\"nodes\":[{\"mesh\":0,\"name\":\"prop\"}],\"meshes\":[{\"name\":\"prop\",\"primitives\":[{\"attributes\":{\"POSITION\":0},\"mode\":4}]}],"
                        + "\"buffers\":[{\"byteLength\":%d}],\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":%d,\"target\":34962}],"
                        + "\"accessors\":[{\"bufferView\":0,\"byteOffset\":0,\"componentType\":5126,\"count\":%d,\"type\":\"VEC3\","
                        + "\"min\":[%s,%s,%s],\"max\":[%s,%s,%s]}]}",
                binLength,
                binLength,
                vertices,
                min[0],
                min[1],
                min[2],
                max[0],
                max[1],
                max[2]);
        byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
        int jsonPadded = (jsonBytes.length + 3) & ~3;
        int binPadded = (binLength + 3) & ~3;
        int total = 12 + 8 + jsonPadded + 8 + binPadded;
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(GLB_MAGIC).putInt(2).putInt(total);
        out.putInt(jsonPadded).putInt(CHUNK_JSON).put(jsonBytes);
        for (int i = jsonBytes.length; i < jsonPadded; i++) out.put((byte) ' ');
        out.putInt(binPadded).putInt(CHUNK_BIN).put(bin.array());
        for (int i = binLength; i < binPadded; i++) out.put((byte) 0);
        return out.array();
    }

    // ---- notes --------------------------------------------------------------------------------

    static String notes(int version) {
        StringBuilder sb = new StringBuilder();
        sb.append("Shot 010 - dusk field\n")
                .append("======================\n\n")
                .append("frames/        640x360 PNG plates, 24 fps\n")
                .append("audio/         dialogue, 48 kHz 24-bit stereo\n")
                .append("models/        prop.glb, the rock in the foreground\n")
                .append("project/       comp_v001.psb, the layered comp\n\n")
                .append("v1: first pass, 48 frames.\n");
        if (version >= 2) {
            sb.append(
                    "v2: shot extended to 60 frames; dialogue punch-in from 0:09.5 to 0:10.5; added a paint layer to the comp.\n");
        }
        return sb.toString();
    }
}
