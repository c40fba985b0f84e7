package dev.forge.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PathTextTest {
    @Test
    void ordinaryPathsOfEveryScriptArePrintedAsTheyAre() {
        for (String p : new String[] {"a.txt", "shots/010/plate 1.exr", "é.wav", "音声/ü.wav", "emoji 🎬.mov"}) {
            assertEquals(p, PathText.quote(p));
            assertFalse(PathText.needsQuoting(p), p);
        }
    }

    @Test
    void controlCharactersAreQuotedAsGitQuotesThem() {
        assertEquals("\"esc\\033[31mred\"", PathText.quote("esc\u001b[31mred"));
        assertEquals("\"a\\tb\\nc\\rd\"", PathText.quote("a\tb\nc\rd"));
        assertEquals("\"bell\\a\\b\\v\\f\"", PathText.quote("bell\u0007\b\u000b\f"));
        assertEquals("\"del\\177\"", PathText.quote("del\u007f"));
        assertEquals("\"csi\\302\\233\"", PathText.quote("csi\u009b"));
        assertEquals("\"say \\\"hi\\\" \\\\o/\"", PathText.quote("say \"hi\" \\o/"));
    }

    @Test
    void formatCharactersThatReorderOrHideTextAreQuoted() {
        // U+202E (right-to-left override) makes "evil\u202Egnp.exe" look like "evilexe.png".
        assertEquals("\"evil\\342\\200\\256gnp.exe\"", PathText.quote("evil\u202egnp.exe"));
        assertEquals("\"zero\\342\\200\\213width\"", PathText.quote("zero\u200bwidth"));
        assertEquals("\"line\\342\\200\\250sep\"", PathText.quote("line\u2028sep"));
    }

    @Test
    void rawNamesShowTheirInvalidBytesInOctalAndNeverRaw() {
        assertEquals("\"x\\377\"", PathText.quote(new byte[] {'x', (byte) 0xff}));
        assertEquals("\"x\\376\"", PathText.quote(new byte[] {'x', (byte) 0xfe}));
        // é cut in half, then a whole ü: the half is escaped, the rest kept.
        byte[] mixed = {(byte) 0xc3, 'a', (byte) 0xc3, (byte) 0xbc};
        assertEquals("\"\\303aü\"", PathText.quote(mixed));
        // valid UTF-8 bytes give what the String gives
        assertEquals("é.wav", PathText.quote("é.wav".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\"a\\033b\"", PathText.quote("a\u001bb".getBytes(StandardCharsets.UTF_8)));
        String shown = PathText.quote(new byte[] {0x1b, (byte) 0x9b, (byte) 0xff});
        for (char c : shown.toCharArray()) assertTrue(c >= 0x20 && c < 0x7f, shown);
    }

    @Test
    void sanitizeEscapesControlsInTextAndKeepsLinesTabsAndQuotes() {
        assertEquals(
                "cannot read 'esc\\033[31mred': permission denied",
                PathText.sanitize("cannot read 'esc\u001b[31mred': permission denied"));
        assertEquals("two\nlines\tand \"quotes\" \\ é", PathText.sanitize("two\nlines\tand \"quotes\" \\ é"));
        assertEquals("cr\\r bell\\a", PathText.sanitize("cr\r bell\u0007"));
        String plain = "nothing to do";
        org.junit.jupiter.api.Assertions.assertSame(plain, PathText.sanitize(plain));
    }
}
