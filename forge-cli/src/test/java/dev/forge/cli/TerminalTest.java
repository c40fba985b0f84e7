package dev.forge.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTest {
    @Test
    void noColorSetToAnythingButEmptyTurnsColoursOff() {
        assertTrue(Terminal.colours(Map.of()));
        assertTrue(Terminal.colours(Map.of("NO_COLOR", "")), "an empty NO_COLOR counts as unset (no-color.org)");
        assertFalse(Terminal.colours(Map.of("NO_COLOR", "1")));
        assertFalse(Terminal.colours(Map.of("NO_COLOR", "0")), "any value, even 0");
    }

    @Test
    void aTestRunsStderrIsNotATerminal() {
        // Surefire captures stderr into a pipe or file: the check must say no (the e2e test covers yes).
        assertFalse(Terminal.stderrIsTerminal());
    }
}
