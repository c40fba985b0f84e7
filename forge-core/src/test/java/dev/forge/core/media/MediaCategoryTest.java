package dev.forge.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaCategoryTest {
    private static MediaCategory of(String path, String head) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        return MediaCategory.of(path, h, h.length);
    }

    @Test
    void signaturesWinOverExtensions() {
        assertEquals(MediaCategory.VIDEO, of("renamed.bin", "\0\0\0\u0018ftypisom\0\0\2\0"));
        assertEquals(MediaCategory.AUDIO, of("song.mp4", "\0\0\0\u0018ftypM4A \0\0\2\0"));
        assertEquals(MediaCategory.IMAGE, of("photo.mov", "\0\0\0\u0018ftypheic\0\0\0\0"));
        assertEquals(MediaCategory.IMAGE, of("x", "\u0089PNG\r\n\u001a\n"));
        assertEquals(MediaCategory.AUDIO, of("x.dat", "RIFF\0\0\0\0WAVEfmt "));
        assertEquals(MediaCategory.VIDEO, of("x.dat", "RIFF\0\0\0\0AVI LIST"));
        assertEquals(MediaCategory.IMAGE, of("x.dat", "v/1\u0001\u0002\0\0\0"));
        assertEquals(MediaCategory.IMAGE, of("x.dat", "8BPS\0\u0001"));
        assertEquals(MediaCategory.DOCUMENT, of("x.dat", "%PDF-1.7"));
        assertEquals(MediaCategory.MODEL, of("x.dat", "glTF\u0002\0\0\0"));
        assertEquals(MediaCategory.VIDEO, of("x.dat", "\u001aE\u00df\u00a3"));
    }

    @Test
    void extensionsDecideWithoutASignature() {
        assertEquals(MediaCategory.IMAGE, of("shots/010/plate.0001.EXR", ""));
        assertEquals(MediaCategory.MODEL, of("assets/hero.fbx", "whatever"));
        assertEquals(MediaCategory.GAME, of("Content/Maps/Level.umap", "\u00c1\u0083*\u009e"));
        assertEquals(MediaCategory.AUDIO, of("a.flac", ""));
        assertEquals(MediaCategory.DOCUMENT, of("README.md", "# hello"));
        assertEquals(MediaCategory.OTHER, of("Makefile", "all:"));
        assertEquals(MediaCategory.OTHER, of("dir.v2/noext", ""));
        assertEquals(MediaCategory.OTHER, of(".hidden", ""));
    }

    @Test
    void labelsParseCaseInsensitively() {
        assertEquals(MediaCategory.MODEL, MediaCategory.parse(" Model ").orElseThrow());
        assertEquals(java.util.Optional.empty(), MediaCategory.parse("videos"));
    }
}
