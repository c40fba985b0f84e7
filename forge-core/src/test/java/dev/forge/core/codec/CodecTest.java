package dev.forge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class CodecTest {
    @Test
    void codesArePinned() {
        assertEquals(0, Codec.RAW.code());
        assertEquals(1, Codec.LZ4.code());
        assertEquals(2, Codec.ZSTD.code());
        for (Codec c : Codec.values()) assertEquals(c, Codec.fromCode(c.code()));
        var e = assertThrows(IllegalArgumentException.class, () -> Codec.fromCode(3));
        assertEquals("unknown codec code 3", e.getMessage());
    }

    @Test
    void policyParsing() {
        assertEquals(CompressionPolicy.AUTO, CompressionPolicy.parse("auto"));
        assertEquals(CompressionPolicy.BALANCED, CompressionPolicy.parse("Balanced"));
        assertEquals(CompressionPolicy.MAX, CompressionPolicy.parse(" MAX "));
        for (CompressionPolicy p : CompressionPolicy.values())
            assertEquals(p, CompressionPolicy.parse(p.name().toLowerCase(Locale.ROOT)));
        var e = assertThrows(IllegalArgumentException.class, () -> CompressionPolicy.parse("ultra"));
        assertEquals(
                "unknown compression policy 'ultra'; valid values: auto, fast, balanced, max, none", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CompressionPolicy.parse(null));
        assertTrue(e.getMessage().contains("valid values"), e.getMessage());
    }
}
