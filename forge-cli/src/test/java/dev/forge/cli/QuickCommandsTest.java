package dev.forge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@link QuickCommands} against picocli's model of the same commands. */
class QuickCommandsTest {
    private static final List<List<String>> PLAIN = List.of(
            List.of("status"),
            List.of("status", "--json"),
            List.of("-C", "shots", "status"),
            List.of("-q", "status", "-C", "seq", "--json", "--debug"),
            List.of("--debug", "-C", "a", "status", "-C", "b", "--quiet"),
            List.of("add", "."),
            List.of("add", "a.exr", "b dir/c.wav"),
            List.of("add", "--json", "--", "-dash.png", "--json"),
            List.of("-C", "shots", "add", "--json", "-q", "p"),
            List.of("--quiet", "add", "p", "--debug", "q"));

    private static final List<List<String>> OTHERS = List.of(
            List.of(),
            List.of("status", "-h"),
            List.of("status", "--help"),
            List.of("--json", "status"),
            List.of("status", "--json", "--json"),
            List.of("status", "-q", "--quiet"),
            List.of("status", "extra"),
            List.of("status", "-C"),
            List.of("status", "-C", "--json"),
            List.of("status", "-Cshots"),
            List.of("status", "--"),
            List.of("add"),
            List.of("add", "--json"),
            List.of("add", "-x", "p"),
            List.of("help", "status"),
            List.of("log"),
            List.of("-V", "status"));

    @Test
    void plainCommandLinesReachTheCommandsAsThroughPicocli() throws Exception {
        for (List<String> args : PLAIN) {
            String[] a = args.toArray(String[]::new);
            QuickCommands.Parsed quick = QuickCommands.parse(a);
            assertNotNull(quick, args.toString());
            CommandLine.ParseResult r = Main.commandLine(a).parseArgs(a);
            boolean debug = r.hasMatchedOption("--debug") || r.subcommand().hasMatchedOption("--debug");
            assertEquals(
                    received(r.subcommand().commandSpec().userObject(), debug),
                    received(quick.command(null, null), quick.debug()),
                    args.toString());
        }
    }

    @Test
    void everyOtherCommandLineGoesThroughPicocli() {
        for (List<String> args : OTHERS) assertNull(QuickCommands.parse(args.toArray(String[]::new)), args.toString());
    }

    /** Every option the quick path takes is one the commands declare, with the arity it gives it. */
    @Test
    void theOptionsTakenAreTheDeclaredOnes() {
        for (String name : List.of("status", "add")) {
            String[] a = name.equals("add") ? new String[] {name, "p"} : new String[] {name};
            CommandSpec spec = Main.commandLine(a).getSubcommands().get(name).getCommandSpec();
            List<String> taken = new ArrayList<>(QuickCommands.COMMON);
            taken.add(QuickCommands.JSON);
            for (String o : taken) {
                CommandLine.Model.OptionSpec s = spec.findOption(o);
                assertNotNull(s, name + " " + o);
                assertEquals(o.equals("-C") ? 1 : 0, s.arity().max(), name + " " + o);
            }
            assertEquals(name.equals("add") ? 1 : 0, spec.positionalParameters().size());
        }
        CommandSpec forge = Main.commandLine(new String[] {"status"}).getCommandSpec();
        for (String o : QuickCommands.COMMON) assertNotNull(forge.findOption(o), o);
        assertNull(forge.findOption(QuickCommands.JSON));
    }

    /** The same output and exit code as through picocli: -CDIR (one word) is not a plain command line. */
    @Test
    void outputAndFailuresAreThoseOfPicocli(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("shot"));
        String d = repo.toString();
        for (List<String> tail : List.of(
                List.of("status"), List.of("status", "--json"), List.of("add", "x"), List.of("add", "--json", "x"))) {
            assertSame(tail, run(concat(List.of("-C", d), tail)), run(concat(List.of("-C" + d), tail)));
        }
        assertEquals("0", run(List.of("-C", d, "init"))[0]);
        Files.writeString(repo.resolve("a.txt"), "frame notes\n");
        assertSame(
                List.of("status"),
                run(List.of("-C", d, "status", "--json")),
                run(List.of("-C" + d, "status", "--json")));
        String[] missing = run(List.of("-C", d, "add", "nope.exr"));
        assertSame(List.of("add"), missing, run(List.of("-C" + d, "add", "nope.exr")));
        assertTrue(!missing[0].equals("0") && missing[2].contains("nope.exr"), missing[2]);
        assertEquals("0", run(List.of("-C", d, "add", "a.txt"))[0]);
        String[] status = run(List.of("-C", d, "status"));
        assertSame(List.of("status"), status, run(List.of("-C" + d, "status")));
        assertTrue(status[1].contains("a.txt"), status[1]);
    }

    private static void assertSame(List<String> what, String[] quick, String[] picocli) {
        assertEquals(List.of(picocli), List.of(quick), what.toString());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String[] run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    /** What a command sees: its directory, quiet, debug, json and paths. */
    private static List<Object> received(Object command, boolean debugMatched) throws Exception {
        CommonOptions common = (CommonOptions) field(command, "common");
        JsonOption json = (JsonOption) field(command, "json");
        List<Object> seen =
                new ArrayList<>(List.of(common.cwd(), common.quiet(), common.debug(), json.enabled(), debugMatched));
        if (command instanceof dev.forge.cli.commands.AddCommand) seen.add(field(command, "paths"));
        return seen;
    }

    private static Object field(Object o, String name) throws Exception {
        var f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
