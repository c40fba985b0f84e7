package dev.forge.core.codec;

import java.util.Objects;

/**
 * Recognises already-compressed formats by their leading magic bytes, so that the encoder does not
 * spend CPU trying to compress what cannot shrink.
 *
 * <p>Recognised: ISO base media (MP4, MOV, M4A, HEIF/HEIC, AVIF: an {@code ftyp}, {@code moov},
 * {@code mdat}, {@code free}, {@code wide} or {@code skip} box at offset 4), JPEG, PNG, GIF, WebP,
 * ZIP and everything built on it (docx, xlsx, jar, usdz, ...), gzip, zstd, xz, 7z, bzip2, RAR, LZ4
 * frames, Matroska/WebM, MP3 (ID3 tag or MPEG audio sync) and AAC/ADTS, FLAC and Ogg.
 *
 * <p>Deliberately not recognised, because they are usually uncompressed and compress well: WAV
 * ({@code RIFF....WAVE}, PCM), TIFF, OpenEXR, PSD, BMP, plain text.
 *
 * <p>A false positive only costs compression ratio (the chunk is stored RAW), never correctness.
 */
public final class MediaSniffer {
    private MediaSniffer() {}

    // Magic numbers as unsigned byte values.
    private static final int[] PNG = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final int[] ZSTD = {0x28, 0xB5, 0x2F, 0xFD};
    private static final int[] LZ4_FRAME = {0x04, 0x22, 0x4D, 0x18};
    private static final int[] XZ = {0xFD, '7', 'z', 'X', 'Z', 0x00};
    private static final int[] SEVEN_ZIP = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};
    private static final int[] BZIP2 = {'B', 'Z', 'h'};
    private static final int[] RAR = {'R', 'a', 'r', '!', 0x1A, 0x07};
    private static final int[] GIF = {'G', 'I', 'F', '8'};
    private static final int[] EBML = {0x1A, 0x45, 0xDF, 0xA3};
    private static final int[] ID3 = {'I', 'D', '3'};
    private static final int[] FLAC = {'f', 'L', 'a', 'C'};
    private static final int[] OGG = {'O', 'g', 'g', 'S'};
    private static final int[] RIFF = {'R', 'I', 'F', 'F'};
    private static final int[] PK = {'P', 'K'};

    /** How many leading bytes the longest check reads; passing more is harmless. */
    public static final int HEAD_SIZE = 12;

    /** Whether {@code head[0, len)}, the start of a file, looks like an already-compressed format. */
    public static boolean isCompressedMedia(byte[] head, int len) {
        return isCompressedMedia(head, 0, len);
    }

    /** Whether {@code buf[off, off+len)}, the start of a file, looks like an already-compressed format. */
    public static boolean isCompressedMedia(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 2) return false;
        int b0 = buf[off] & 0xff;
        int b1 = buf[off + 1] & 0xff;

        if (b0 == 0xFF && b1 == 0xD8 && at(buf, off, len, 2, 0xFF)) return true; // JPEG SOI + marker
        if (b0 == 0x1F && b1 == 0x8B && at(buf, off, len, 2, 0x08)) return true; // gzip, deflate method
        if (b0 == 0xFF && (b1 & 0xF0) == 0xF0 && b1 != 0xFE && b1 != 0xFF) {
            // MPEG audio frame sync (MP3) and ADTS (AAC). FF FE is the UTF-16LE byte-order mark, and FF
            // FF is never valid audio, so both stay compressible.
            return true;
        }
        if (starts(buf, off, len, PNG)) return true;
        if (starts(buf, off, len, PK) && len >= 4) {
            int b2 = buf[off + 2] & 0xff;
            int b3 = buf[off + 3] & 0xff;
            // Local file header, empty archive (end of central directory), spanned archive.
            if ((b2 == 3 && b3 == 4) || (b2 == 5 && b3 == 6) || (b2 == 7 && b3 == 8)) return true;
        }
        if (starts(buf, off, len, ZSTD)) return true;
        if (starts(buf, off, len, LZ4_FRAME)) return true;
        if (starts(buf, off, len, XZ)) return true;
        if (starts(buf, off, len, SEVEN_ZIP)) return true;
        if (starts(buf, off, len, BZIP2) && len >= 4 && buf[off + 3] >= '1' && buf[off + 3] <= '9') return true;
        if (starts(buf, off, len, RAR)) return true; // RAR 4 and 5
        if (starts(buf, off, len, GIF)) return true; // LZW
        if (starts(buf, off, len, EBML)) return true; // Matroska, WebM
        if (starts(buf, off, len, ID3)) return true; // ID3v2 tag before MP3 frames
        if (starts(buf, off, len, FLAC)) return true;
        if (starts(buf, off, len, OGG)) return true;
        if (starts(buf, off, len, RIFF) && len >= 12) {
            // Only WebP: RIFF is also WAV (PCM) and AVI (often uncompressed), which compress well.
            return buf[off + 8] == 'W' && buf[off + 9] == 'E' && buf[off + 10] == 'B' && buf[off + 11] == 'P';
        }
        return isIsoBox(buf, off, len);
    }

    /**
     * ISO base media file format: a big-endian box size at 0 and a box type at 4. The size must be
     * plausible for a box that opens a file (0 = to end of file, 1 = 64-bit size follows): ftyp, free,
     * wide and skip boxes are small, moov is well under 256 MiB. That keeps text such as "Set free
     * ..." (size 0x53657420) from matching; only mdat may be arbitrarily large.
     */
    private static boolean isIsoBox(byte[] head, int off, int len) {
        if (len < 8) return false;
        long size = ((head[off] & 0xffL) << 24)
                | ((head[off + 1] & 0xff) << 16)
                | ((head[off + 2] & 0xff) << 8)
                | (head[off + 3] & 0xff);
        if (type(head, off, 'f', 't', 'y', 'p')) return size >= 8 && size <= 4096;
        if (type(head, off, 'm', 'd', 'a', 't')) return size == 0 || size == 1 || size >= 8;
        if (type(head, off, 'm', 'o', 'o', 'v')) return size == 1 || (size >= 8 && size <= (256 << 20));
        if (type(head, off, 'f', 'r', 'e', 'e')
                || type(head, off, 'w', 'i', 'd', 'e')
                || type(head, off, 's', 'k', 'i', 'p')) {
            return size >= 8 && size <= (1 << 20);
        }
        return false;
    }

    private static boolean type(byte[] head, int off, char a, char b, char c, char d) {
        return head[off + 4] == a && head[off + 5] == b && head[off + 6] == c && head[off + 7] == d;
    }

    private static boolean at(byte[] buf, int off, int len, int index, int value) {
        return index < len && (buf[off + index] & 0xff) == value;
    }

    private static boolean starts(byte[] buf, int off, int len, int[] magic) {
        if (len < magic.length) return false;
        for (int i = 0; i < magic.length; i++) {
            if ((buf[off + i] & 0xff) != magic[i]) return false;
        }
        return true;
    }
}
