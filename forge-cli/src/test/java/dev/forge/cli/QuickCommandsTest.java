package dev.forge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The hand-built models of {@link QuickCommands} against the ones picocli builds from the annotations. */
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
    void plainCommandLinesReachTheCommandsAsTheyWouldThroughTheAnnotations() throws Exception {
        for (List<String> args : PLAIN) {
            String[] a = args.toArray(String[]::new);
            CommandLine quick = QuickCommands.commandLine(a);
            assertNotNull(quick, args.toString());
            assertEquals(received(Main.annotated(a), a), received(quick, a), args.toString());
        }
    }

    @Test
    void everyOtherCommandLineGoesThroughTheAnnotations() {
        for (List<String> args : OTHERS)
            assertNull(QuickCommands.commandLine(args.toArray(String[]::new)), args.toString());
    }

    @Test
    void theHandBuiltOptionsAreTheAnnotatedOnes() {
        for (String name : List.of("status", "add")) {
            String[] a = name.equals("add") ? new String[] {name, "p"} : new String[] {name};
            CommandSpec quick =
                    QuickCommands.commandLine(a).getSubcommands().get(name).getCommandSpec();
            CommandSpec annotated = Main.annotated(a).getSubcommands().get(name).getCommandSpec();
            for (OptionSpec o : quick.options()) {
                OptionSpec same = annotated.findOption(o.longestName());
                assertNotNull(same, name + " " + o.longestName());
                assertEquals(List.of(same.names()), List.of(o.names()));
                assertEquals(same.arity(), o.arity());
                assertEquals(same.type(), o.type());
            }
            assertEquals(describe(annotated.positionalParameters()), describe(quick.positionalParameters()));
            assertEquals(
                    new ArrayList<>(annotated.mixins().keySet()),
                    new ArrayList<>(quick.mixins().keySet()));
        }
    }

    private static List<String> describe(List<CommandLine.Model.PositionalParamSpec> ps) {
        List<String> out = new ArrayList<>();
        for (var p : ps)
            out.add(p.arity() + " " + p.paramLabel() + " " + p.type().getName() + " " + List.of(p.auxiliaryTypes()));
        return out;
    }

    /** What the command behind {@code args} sees: its directory, quiet, debug, json and paths. */
    private static List<Object> received(CommandLine cl, String[] args) throws Exception {
        CommandLine.ParseResult r = cl.parseArgs(args);
        Object command = r.subcommand().commandSpec().userObject();
        CommonOptions common = (CommonOptions) field(command, "common");
        JsonOption json = (JsonOption) field(command, "json");
        List<Object> seen = new ArrayList<>(List.of(common.cwd(), common.quiet(), common.debug(), json.enabled()));
        if (command instanceof dev.forge.cli.commands.AddCommand) seen.add(field(command, "paths"));
        seen.add(r.hasMatchedOption("--debug") || r.subcommand().hasMatchedOption("--debug"));
        return seen;
    }

    private static Object field(Object o, String name) throws Exception {
        var f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
