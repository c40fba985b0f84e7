package dev.forge.core.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaSnifferTest {
    /** A header padded with plausible following bytes, as the start of a real file would be. */
    static byte[] head(int... bytes) {
        byte[] b = new byte[64];
        Arrays.fill(b, (byte) 0x41);
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        return b;
    }

    static byte[] head(String ascii) {
        byte[] b = new byte[64];
        byte[] s = ascii.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(s, 0, b, 0, s.length);
        return b;
    }

    private static boolean sniff(byte[] b) {
        return MediaSniffer.isCompressedMedia(b, b.length);
    }

    static final Map<String, byte[]> COMPRESSED = Map.ofEntries(
            Map.entry("mp4", head(0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm')),
            Map.entry("mov", head(0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'q', 't', ' ', ' ')),
            Map.entry("m4a", head(0, 0, 0, 0x1c, 'f', 't', 'y', 'p', 'M', '4', 'A', ' ')),
            Map.entry("heic", head(0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c')),
            Map.entry("old quicktime moov", head(0, 0, 0x12, 0x34, 'm', 'o', 'o', 'v')),
            Map.entry("old quicktime mdat", head(0, 0, 0, 0, 'm', 'd', 'a', 't')),
            Map.entry("quicktime wide", head(0, 0, 0, 8, 'w', 'i', 'd', 'e')),
            Map.entry("quicktime free", head(0, 0, 0, 0x10, 'f', 'r', 'e', 'e')),
            Map.entry("jpeg", head(0xFF, 0xD8, 0xFF, 0xE0)),
            Map.entry("png", head(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)),
            Map.entry("zip/docx/usdz", head('P', 'K', 3, 4, 20, 0)),
            Map.entry("empty zip", head('P', 'K', 5, 6)),
            Map.entry("gzip", head(0x1F, 0x8B, 0x08, 0)),
            Map.entry("zstd", head(0x28, 0xB5, 0x2F, 0xFD)),
            Map.entry("xz", head(0xFD, '7', 'z', 'X', 'Z', 0)),
            Map.entry("7z", head('7', 'z', 0xBC, 0xAF, 0x27, 0x1C)),
            Map.entry("bzip2", head("BZh91AY&SY")),
            Map.entry("webp", head("RIFF\u0010\u0020\u0000\u0000WEBPVP8 ")),
            Map.entry("mkv/webm", head(0x1A, 0x45, 0xDF, 0xA3)),
            Map.entry("mp3 id3", head("ID3\u0004\u0000")),
            Map.entry("mp3 frame", head(0xFF, 0xFB, 0x90, 0x64)),
            Map.entry("aac adts", head(0xFF, 0xF1, 0x50, 0x80)),
            Map.entry("flac", head("fLaC")),
            Map.entry("ogg", head("OggS\u0000\u0002")),
            Map.entry("gif", head("GIF89a")),
            Map.entry("rar", head('R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00)),
            Map.entry("lz4 frame", head(0x04, 0x22, 0x4D, 0x18)));

    @Test
    void recognisesEachCompressedFormat() {
        COMPRESSED.forEach((name, b) -> assertTrue(sniff(b), name));
    }

    @Test
    void rejectsUncompressedFormatsAndText() {
        Map<String, byte[]> plain = Map.of(
                "wav", head("RIFF\u0024\u0010\u0000\u0000WAVEfmt "),
                "avi", head("RIFF\u0024\u0010\u0000\u0000AVI LIST"),
                "tiff le", head('I', 'I', 0x2A, 0),
                "tiff be", head('M', 'M', 0, 0x2A),
                "exr", head(0x76, 0x2F, 0x31, 0x01),
                "psd", head("8BPS\u0000\u0001"),
                "text", head("Hello, world. This is a plain text file."),
                "text with a box-like word", head("Set free the bytes"),
                "utf-16le bom", head(0xFF, 0xFE, 'h', 0, 'i', 0),
                "obj mesh", head("# Blender v2.93 OBJ File\nv 1.0 2.0 3.0\n"));
        plain.forEach((name, b) -> assertFalse(sniff(b), name));
        assertFalse(sniff(new byte[64]), "zeros");
    }

    @Test
    void shortAndOffsetInputs() {
        assertFalse(MediaSniffer.isCompressedMedia(new byte[0], 0));
        assertFalse(MediaSniffer.isCompressedMedia(new byte[] {(byte) 0xFF}, 1));
        // Only the first len bytes count: a PNG signature cut to 4 bytes is not a PNG.
        assertFalse(MediaSniffer.isCompressedMedia(COMPRESSED.get("png"), 4));
        assertTrue(MediaSniffer.isCompressedMedia(COMPRESSED.get("png"), 8));
        assertTrue(MediaSniffer.isCompressedMedia(COMPRESSED.get("jpeg"), 3));
        assertFalse(MediaSniffer.isCompressedMedia(COMPRESSED.get("mp4"), 7));
        byte[] shifted = new byte[100];
        System.arraycopy(COMPRESSED.get("mp4"), 0, shifted, 30, 64);
        assertTrue(MediaSniffer.isCompressedMedia(shifted, 30, 64));
        assertFalse(MediaSniffer.isCompressedMedia(shifted, 0, 64));
        assertThrows(IndexOutOfBoundsException.class, () -> MediaSniffer.isCompressedMedia(new byte[4], 5));
        assertThrows(IndexOutOfBoundsException.class, () -> MediaSniffer.isCompressedMedia(new byte[4], -1));
    }
}
