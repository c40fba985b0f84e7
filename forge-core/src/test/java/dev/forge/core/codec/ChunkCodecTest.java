package dev.forge.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.forge.core.chunk.ChunkerParams;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
    private static final int MAX = ChunkerParams.DEFAULT.maxSize();

    /** Word salad: compresses well (LZ4 ~0.45, zstd ~0.2), like text assets and scene files. */
    static byte[] textLike(long seed, int n) {
        String[] words = {
            "vertex ",
            "normal ",
            "0.125 ",
            "-3.5 ",
            "material ",
            "forge ",
            "the ",
            "of ",
            "\n",
            "texture ",
            "uv ",
            "42 "
        };
        Random r = new Random(seed);
        byte[] out = new byte[n];
        for (int p = 0; p < n; ) {
            byte[] w = words[r.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII);
            int c = Math.min(w.length, n - p);
            System.arraycopy(w, 0, out, p, c);
            p += c;
        }
        return out;
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Map<String, byte[]> inputs() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("text", textLike(1, 70_000));
        m.put("random", random(2, 70_000));
        m.put("zeros", new byte[70_000]);
        m.put("empty", new byte[0]);
        m.put("one byte", new byte[] {7});
        m.put("max text", textLike(3, MAX));
        m.put("max random", random(4, MAX));
        return m;
    }

    @Test
    void everyPolicyRoundTripsEveryInput() throws CorruptPayloadException {
        try (ChunkDecoder decoder = new ChunkDecoder()) {
            for (CompressionPolicy policy : CompressionPolicy.values()) {
                try (ChunkEncoder encoder = new ChunkEncoder(policy, MAX)) {
                    for (var in : inputs().entrySet()) {
                        byte[] raw = in.getValue();
                        // Encode from an offset inside a larger array, to catch off/len mix-ups.
                        byte[] framed = new byte[raw.length + 20];
                        System.arraycopy(raw, 0, framed, 11, raw.length);
                        ChunkEncoder.Encoded e = encoder.encode(framed, 11, raw.length, false);
                        String what = policy + "/" + in.getKey() + " -> " + e.codec();
                        assertTrue(e.len() <= raw.length, what + " grew to " + e.len());
                        byte[] stored = Arrays.copyOfRange(e.buf(), e.off(), e.off() + e.len());
                        assertArrayEquals(raw, decoder.decode(e.codec(), stored, 0, stored.length, raw.length), what);
                        byte[] dst = new byte[raw.length + 9];
                        assertEquals(
                                raw.length,
                                decoder.decodeInto(e.codec(), stored, 0, stored.length, dst, 9, raw.length),
                                what);
                        assertArrayEquals(raw, Arrays.copyOfRange(dst, 9, dst.length), what);
                        assertEquals(expectedCodec(policy, in.getKey()), e.codec(), what);
                    }
                }
            }
        }
    }

    private static Codec expectedCodec(CompressionPolicy policy, String input) {
        boolean compressible = input.equals("text") || input.equals("zeros") || input.equals("max text");
        if (!compressible || policy == CompressionPolicy.NONE) return Codec.RAW;
        return switch (policy) {
            case AUTO, FAST -> Codec.LZ4;
            case BALANCED, MAX -> Codec.ZSTD;
            case NONE -> Codec.RAW;
        };
    }

    @Test
    void rawResultIsTheInputSliceAndCompressedResultIsTheEncoderBuffer() {
        try (ChunkEncoder encoder = new ChunkEncoder(CompressionPolicy.AUTO, MAX)) {
            byte[] rnd = random(5, 5000);
            ChunkEncoder.Encoded raw = encoder.encode(rnd, 100, 4000, false);
            assertEquals(new ChunkEncoder.Encoded(Codec.RAW, rnd, 100, 4000), raw);
            assertSame(rnd, raw.buf());
            byte[] text = textLike(6, 5000);
            ChunkEncoder.Encoded lz4 = encoder.encode(text, 0, text.length, false);
            assertEquals(Codec.LZ4, lz4.codec());
            ChunkEncoder.Encoded again = encoder.encode(textLike(7, 5000), 0, 5000, false);
            assertSame(lz4.buf(), again.buf(), "compressed output reuses one internal buffer");
        }
    }

    @Test
    void autoStoresRandomAndSniffedMediaRawWithoutCompressing() {
        try (ChunkEncoder encoder = new ChunkEncoder(CompressionPolicy.AUTO, MAX)) {
            assertEquals(
                    Codec.RAW, encoder.encode(random(8, 65536), 0, 65536, false).codec());
            assertEquals(1, encoder.lz4Calls);
            for (String format : new String[] {"png", "jpeg", "mp4", "zip/docx/usdz", "mkv/webm"}) {
                // Highly compressible bytes behind the magic: only the sniffer can make this RAW.
                byte[] chunk = new byte[65536];
                System.arraycopy(MediaSnifferTest.COMPRESSED.get(format), 0, chunk, 0, 12);
                assertEquals(
                        Codec.RAW, encoder.encode(chunk, 0, chunk.length, false).codec(), format);
            }
            assertEquals(1, encoder.lz4Calls, "sniffed media must not even be tried");
            assertEquals(
                    Codec.RAW, encoder.encode(new byte[65536], 0, 65536, true).codec(), "knownIncompressible");
            assertEquals(1, encoder.lz4Calls);
            // A WAV header is not a reason to skip: PCM compresses.
            byte[] wav = new byte[65536];
            System.arraycopy("RIFF\u0024\u0010\u0000\u0000WAVE".getBytes(StandardCharsets.ISO_8859_1), 0, wav, 0, 12);
            assertEquals(Codec.LZ4, encoder.encode(wav, 0, wav.length, false).codec());
        }
    }

    @Test
    void autoNeedsOneSixteenthSavedWhileFastTakesAnySaving() {
        // Random bytes whose last 3% repeat an earlier stretch: LZ4 saves ~3%, less than 1/16.
        int n = 65536;
        byte[] data = random(9, n);
        int rep = n * 3 / 100;
        System.arraycopy(data, 1000, data, n - rep, rep);
        int lz4Size = Lz4Binding.FACTORY.fastCompressor().compress(data, new byte[n * 2]);
        assertTrue(
                lz4Size < n && lz4Size > n - n / 16, "test input must save between 0 and 1/16, LZ4 gives " + lz4Size);
        try (ChunkEncoder auto = new ChunkEncoder(CompressionPolicy.AUTO, MAX);
                ChunkEncoder fast = new ChunkEncoder(CompressionPolicy.FAST, MAX)) {
            assertEquals(Codec.RAW, auto.encode(data, 0, n, false).codec());
            ChunkEncoder.Encoded f = fast.encode(data, 0, n, false);
            assertEquals(Codec.LZ4, f.codec());
            assertEquals(lz4Size, f.len());
        }
    }

    @Test
    void maxNeverRunsZstdOnIncompressibleData() {
        try (ChunkEncoder encoder = new ChunkEncoder(CompressionPolicy.MAX, MAX)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        Codec.RAW,
                        encoder.encode(random(100 + i, MAX), 0, MAX, false).codec());
            }
            assertEquals(5, encoder.lz4Calls, "each random chunk gets one quick LZ4 trial");
            assertEquals(0, encoder.zstdCalls, "zstd 19 must never run on random data");
            assertEquals(
                    Codec.ZSTD,
                    encoder.encode(textLike(11, 65536), 0, 65536, false).codec());
            assertEquals(1, encoder.zstdCalls);
            byte[] png = new byte[65536];
            System.arraycopy(MediaSnifferTest.COMPRESSED.get("png"), 0, png, 0, 12);
            assertEquals(Codec.RAW, encoder.encode(png, 0, png.length, false).codec());
            assertEquals(6, encoder.lz4Calls);
            assertEquals(1, encoder.zstdCalls);
        }
    }

    @Test
    void balancedUsesZstdAndNoneNeverCompresses() {
        byte[] text = textLike(12, 100_000);
        try (ChunkEncoder balanced = new ChunkEncoder(CompressionPolicy.BALANCED, MAX);
                ChunkEncoder none = new ChunkEncoder(CompressionPolicy.NONE, MAX)) {
            ChunkEncoder.Encoded z = balanced.encode(text, 0, text.length, false);
            assertEquals(Codec.ZSTD, z.codec());
            assertTrue(z.len() < text.length / 3, "zstd 3 on word salad: " + z.len());
            assertEquals(0, balanced.lz4Calls);
            assertEquals(
                    Codec.RAW, balanced.encode(random(13, 1000), 0, 1000, false).codec());
            assertEquals(Codec.RAW, none.encode(text, 0, text.length, false).codec());
            assertEquals(0, none.lz4Calls + none.zstdCalls);
        }
    }

    @Test
    void encoderPreconditions() {
        ChunkEncoder encoder = new ChunkEncoder(CompressionPolicy.BALANCED, 1000);
        var e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(new byte[1001], 0, 1001, false));
        assertEquals("chunk of 1001 bytes exceeds this encoder's maxChunkSize 1000", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> encoder.encode(new byte[10], 5, 6, false));
        assertThrows(IllegalArgumentException.class, () -> new ChunkEncoder(CompressionPolicy.AUTO, 0));
        encoder.close();
        encoder.close();
        assertThrows(IllegalStateException.class, () -> encoder.encode(new byte[10], 0, 10, false));
    }

    private static byte[] encoded(CompressionPolicy policy, byte[] raw) {
        try (ChunkEncoder encoder = new ChunkEncoder(policy, MAX)) {
            ChunkEncoder.Encoded e = encoder.encode(raw, 0, raw.length, false);
            return Arrays.copyOfRange(e.buf(), e.off(), e.off() + e.len());
        }
    }

    private static void assertCorrupt(ChunkDecoder d, Codec codec, byte[] stored, int len, int rawLength, String what) {
        try {
            d.decode(codec, stored, 0, len, rawLength);
            fail(what + ": decoded without error");
        } catch (CorruptPayloadException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty(), what);
        }
    }

    @Test
    void truncatedOrMislabelledPayloadsAreCorrupt() {
        byte[] raw = textLike(14, 65536);
        byte[] lz4 = encoded(CompressionPolicy.AUTO, raw);
        byte[] zstd = encoded(CompressionPolicy.BALANCED, raw);
        try (ChunkDecoder d = new ChunkDecoder()) {
            for (int cut = 0; cut < lz4.length; cut += 97)
                assertCorrupt(d, Codec.LZ4, lz4, cut, raw.length, "lz4 truncated to " + cut);
            assertCorrupt(d, Codec.LZ4, lz4, lz4.length - 1, raw.length, "lz4 minus one byte");
            for (int cut = 0; cut < zstd.length; cut += 31)
                assertCorrupt(d, Codec.ZSTD, zstd, cut, raw.length, "zstd truncated to " + cut);
            assertCorrupt(d, Codec.ZSTD, zstd, zstd.length - 1, raw.length, "zstd minus one byte");
            // Wrong recorded raw length, either way.
            assertCorrupt(d, Codec.LZ4, lz4, lz4.length, raw.length - 1, "lz4 short raw length");
            assertCorrupt(d, Codec.LZ4, lz4, lz4.length, raw.length + 1, "lz4 long raw length");
            assertCorrupt(d, Codec.ZSTD, zstd, zstd.length, raw.length - 1, "zstd short raw length");
            assertCorrupt(d, Codec.ZSTD, zstd, zstd.length, raw.length + 1, "zstd long raw length");
            assertCorrupt(d, Codec.RAW, raw, raw.length - 1, raw.length, "raw short");
            // Payload stored with one codec, read as another.
            assertCorrupt(d, Codec.ZSTD, lz4, lz4.length, raw.length, "lz4 read as zstd");
            assertCorrupt(d, Codec.LZ4, zstd, zstd.length, raw.length, "zstd read as lz4");
            assertCorrupt(d, Codec.LZ4, random(15, 5000), 5000, 65536, "garbage lz4");
            assertCorrupt(d, Codec.ZSTD, random(16, 5000), 5000, 65536, "garbage zstd");
        }
    }

    @Test
    void flippedBytesAreDetectedOrAtWorstKeepTheLength() {
        byte[] raw = textLike(17, 16384);
        byte[] zstd = encoded(CompressionPolicy.BALANCED, raw);
        byte[] lz4 = encoded(CompressionPolicy.AUTO, raw);
        try (ChunkDecoder d = new ChunkDecoder()) {
            // zstd frames carry a checksum, so a flip either fails or, where the bit is redundant (the
            // header's unused bit, some entropy-table and padding bits: ~0.1% of them here), still
            // decodes to exactly the original bytes. Wrong content never comes out.
            int harmless = 0;
            int tried = 0;
            for (int i = 0; i < zstd.length; i++) {
                for (int bit = i % 4; bit < 8; bit += 4, tried++) {
                    byte[] bad = zstd.clone();
                    bad[i] ^= (byte) (1 << bit);
                    try {
                        assertArrayEquals(
                                raw,
                                d.decode(Codec.ZSTD, bad, 0, bad.length, raw.length),
                                "zstd flip at " + i + " bit " + bit);
                        harmless++;
                    } catch (CorruptPayloadException expected) {
                        // detected
                    }
                }
            }
            assertTrue(harmless < tried / 100, harmless + " of " + tried + " zstd bit flips were redundant bits");
            // LZ4 blocks have no checksum: a flip inside a literal decodes to wrong bytes of the right
            // length (the BLAKE3 check catches that). Anything else must be a CorruptPayloadException;
            // never a wrong length, never an unchecked exception.
            Random r = new Random(18);
            int detected = 0;
            for (int k = 0; k < 1000; k++) {
                byte[] bad = lz4.clone();
                int flips = 1 + r.nextInt(3);
                for (int f = 0; f < flips; f++) bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
                try {
                    byte[] out = d.decode(Codec.LZ4, bad, 0, bad.length, raw.length);
                    assertEquals(raw.length, out.length);
                } catch (CorruptPayloadException e) {
                    detected++;
                }
            }
            assertTrue(detected > 50, "structural damage should be detected, got " + detected + "/1000");
            // Flipping the first token (literal length of the first sequence) always breaks the block.
            byte[] bad = lz4.clone();
            bad[0] ^= (byte) 0xF0;
            assertCorrupt(d, Codec.LZ4, bad, bad.length, raw.length, "lz4 first token");
        }
    }

    @Test
    void decoderPreconditions() throws CorruptPayloadException {
        ChunkDecoder d = new ChunkDecoder();
        assertThrows(IndexOutOfBoundsException.class, () -> d.decode(Codec.RAW, new byte[10], 5, 6, 6));
        assertThrows(IllegalArgumentException.class, () -> d.decode(Codec.RAW, new byte[10], 0, 0, -1));
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> d.decodeInto(Codec.RAW, new byte[10], 0, 10, new byte[5], 0, 10));
        assertArrayEquals(new byte[0], d.decode(Codec.RAW, new byte[0], 0, 0, 0));
        d.close();
        d.close();
        assertThrows(IllegalStateException.class, () -> d.decode(Codec.RAW, new byte[1], 0, 1, 1));
    }
}
