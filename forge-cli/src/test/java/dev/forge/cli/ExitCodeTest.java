package dev.forge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.ConflictException;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.PartialResultException;
import dev.forge.core.error.RemoteUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExitCodeTest {
    @Test
    void typedFailuresMapToTheirCodes() {
        assertEquals(
                12,
                ExitCode.of(new PartialResultException("skipped", List.of("a"))).code());
        assertEquals(
                13, ExitCode.of(new KeyException("no key for remote origin")).code());
        assertEquals(4, ExitCode.of(new NotFoundException("x")).code());
        assertEquals(5, ExitCode.of(new IntegrityException("x")).code());
        assertEquals(2, ExitCode.of(new InvalidInputException("x")).code());
        assertEquals(10, ExitCode.of(new RemoteUnavailableException("x", false)).code());
        assertEquals(7, ExitCode.of(new ConflictException("x")).code());
        assertEquals(1, ExitCode.of(new ForgeException("x")).code());
        assertEquals(1, ExitCode.of(new IllegalStateException("bug")).code());
    }

    @Test
    void codesAreTheirOrdinalsSoNoneIsSkippedOrRenumbered() {
        for (ExitCode c : ExitCode.values()) assertEquals(c.ordinal(), c.code(), c::name);
    }

    /** README.md and docs/cli.md have the table too: every code, in a row of its own. */
    @Test
    void bothDocumentedTablesListEveryCode() throws IOException {
        for (String doc : new String[] {"README.md", "docs/cli.md"}) {
            String text = Files.readString(root().resolve(doc));
            for (ExitCode c : ExitCode.values()) {
                assertTrue(
                        Pattern.compile("(?m)^\\| " + c.code() + " \\| \\S")
                                .matcher(text)
                                .find(),
                        () -> doc + " does not document exit code " + c.code());
            }
        }
    }

    private static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docs/cli.md")) && Files.isDirectory(d.resolve("forge-cli"))) return d;
        }
        throw new AssertionError(
                "cannot find the repository root from " + Path.of("").toAbsolutePath());
    }
}
