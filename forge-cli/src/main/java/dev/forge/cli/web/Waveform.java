package dev.forge.cli.web;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Draws a WAV file's waveform: for each pixel column the lowest and highest sample of all channels in
 * its span. The file is read once as a stream, so its size does not matter. Handles PCM of 8, 16, 24
 * and 32 bits and 32/64-bit float (WAVE_FORMAT_PCM, IEEE_FLOAT and EXTENSIBLE holding either); other
 * codecs go through ffmpeg first. Forge reads WAV headers itself already (dev.forge.core.media.Wav);
 * the samples need this small reader, since javax.sound handles neither 24-bit nor float everywhere.
 */
final class Waveform {
    static final Color BACKGROUND = new Color(0x1d, 0x23, 0x2e);
    static final Color WAVE = new Color(0x5e, 0xd3, 0xc1);
    static final Color AXIS = new Color(0x3a, 0x44, 0x55);

    private Waveform() {}

    /** The format fields the drawing needs. */
    record Format(int codec, int channels, int sampleRate, int bits, long dataBytes) {
        int frameBytes() {
            return channels * (bits / 8);
        }

        long frames() {
            return frameBytes() == 0 ? 0 : dataBytes / frameBytes();
        }
    }

    /** Draws {@code wav} into a {@code width} x {@code height} picture; IOException when it is no WAV it can read. */
    static BufferedImage draw(Path wav, int width, int height) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(wav), 1 << 16)) {
            Format f = header(in);
            long frames = f.frames();
            float[] lo = new float[width];
            float[] hi = new float[width];
            boolean[] any = new boolean[width];
            byte[] frame = new byte[f.frameBytes()];
            for (long i = 0; i < frames; i++) {
                if (in.readNBytes(frame, 0, frame.length) < frame.length) break; // a cut file: draw what is there
                int col = (int) (i * width / Math.max(1, frames));
                for (int c = 0; c < f.channels(); c++) {
                    float v = sample(frame, c * (f.bits() / 8), f);
                    if (!any[col]) {
                        lo[col] = v;
                        hi[col] = v;
                        any[col] = true;
                    } else {
                        lo[col] = Math.min(lo[col], v);
                        hi[col] = Math.max(hi[col], v);
                    }
                }
            }
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            try {
                g.setColor(BACKGROUND);
                g.fillRect(0, 0, width, height);
                int mid = height / 2;
                g.setColor(AXIS);
                g.drawLine(0, mid, width - 1, mid);
                g.setColor(WAVE);
                for (int x = 0; x < width; x++) {
                    if (!any[x]) continue;
                    int top = mid - Math.round(clamp(hi[x]) * (mid - 1));
                    int bottom = mid - Math.round(clamp(lo[x]) * (mid - 1));
                    g.drawLine(x, top, x, Math.max(top, bottom));
                }
            } finally {
                g.dispose();
            }
            return img;
        }
    }

    private static float clamp(float v) {
        return Math.max(-1f, Math.min(1f, v));
    }

    /** Reads up to the start of the data chunk. */
    static Format header(InputStream in) throws IOException {
        byte[] h = in.readNBytes(12);
        if (h.length < 12 || !ascii(h, 0, "RIFF") || !ascii(h, 8, "WAVE")) throw new IOException("not a WAV file");
        int codec = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (true) {
            byte[] ch = in.readNBytes(8);
            if (ch.length < 8) throw new IOException("WAV file without a data chunk");
            long size = u32(ch, 4);
            if (ascii(ch, 0, "fmt ")) {
                byte[] fmt = in.readNBytes((int) Math.min(size, 1024));
                if (fmt.length < 16) throw new IOException("WAV fmt chunk too short");
                codec = u16(fmt, 0);
                channels = u16(fmt, 2);
                rate = (int) u32(fmt, 4);
                bits = u16(fmt, 14);
                if (codec == 0xFFFE && fmt.length >= 26) codec = u16(fmt, 24); // EXTENSIBLE: the sub-format's code
                skip(in, size - fmt.length + (size & 1));
            } else if (ascii(ch, 0, "data")) {
                if (codec < 0) throw new IOException("WAV data before its fmt chunk");
                boolean pcm = codec == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
                boolean flt = codec == 3 && (bits == 32 || bits == 64);
                if (!(pcm || flt) || channels < 1 || channels > 64)
                    throw new IOException("WAV codec " + codec + " with " + bits + " bits is not drawn directly");
                return new Format(codec, channels, rate, bits, size);
            } else {
                skip(in, size + (size & 1));
            }
        }
    }

    private static float sample(byte[] b, int off, Format f) {
        if (f.codec() == 3) {
            if (f.bits() == 32) return Float.intBitsToFloat((int) u32(b, off));
            long v = u32(b, off) | (u32(b, off + 4) << 32);
            return (float) Double.longBitsToDouble(v);
        }
        return switch (f.bits()) {
            case 8 -> ((b[off] & 0xFF) - 128) / 128f;
            case 16 -> (short) u16(b, off) / 32768f;
            case 24 -> ((b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | b[off + 2] << 16) / 8388608f;
            default -> (int) u32(b, off) / 2147483648f;
        };
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException("WAV file ends inside a chunk");
                s = 1;
            }
            left -= s;
        }
    }

    private static boolean ascii(byte[] b, int off, String s) {
        for (int i = 0; i < 4; i++) if (b[off + i] != s.charAt(i)) return false;
        return true;
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }
}
