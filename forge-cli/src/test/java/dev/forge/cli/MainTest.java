package dev.forge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** The command table and the start-up shortcuts of {@link Main}. */
class MainTest {
    @Test
    void theWrittenOutNamesAreTheCommandsOwnNames() {
        List<String> own = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (var e : Main.COMMANDS) {
            own.add(e.getValue().getAnnotation(Command.class).name());
            written.add(e.getKey());
        }
        assertEquals(own, written);
    }

    /**
     * Picocli scans every method of a command for {@code @Command} methods unless told not to: a
     * tenth of a status's start-up. Forge has no method subcommands, so every command says so.
     */
    @Test
    void noCommandIsScannedForMethodSubcommands() {
        List<Class<?>> todo = new ArrayList<>(List.of(Main.class));
        Main.COMMANDS.forEach(e -> todo.add(e.getValue()));
        List<String> scanned = new ArrayList<>();
        for (int i = 0; i < todo.size(); i++) {
            Command c = todo.get(i).getAnnotation(Command.class);
            if (c.addMethodSubcommands()) scanned.add(todo.get(i).getName());
            todo.addAll(List.of(c.subcommands()));
        }
        assertEquals(List.of(), scanned);
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void versionPrintsOneLineWithAndWithoutTheShortcut() {
        String line = dev.forge.cli.commands.VersionCommand.text() + System.lineSeparator();
        for (String[] args : List.of(new String[] {"version"}, new String[] {"--version"}, new String[] {"-V"})) {
            String[] r = run(args);
            assertEquals("0", r[0], String.join(" ", args));
            assertEquals(line, r[1], String.join(" ", args));
            assertEquals("", r[2]);
        }
        String[] json = run("version", "--json");
        assertEquals("0", json[0]);
        assertEquals(true, json[1].contains("\"version\""), json[1]);
    }
}
