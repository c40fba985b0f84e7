package dev.forge.cli;

import dev.forge.cli.commands.AddCommand;
import dev.forge.cli.commands.StatusCommand;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The command lines an artist runs all day ({@code status} and {@code add}), run without building a
 * picocli model. Picocli builds a command's model from its annotations, and the JVM makes each
 * annotation a dynamic proxy whose class it generates at run time and the AOT cache does not keep: on
 * a status of 4,000 files that was half of the main thread's CPU, and a model built by hand through
 * picocli's API still cost a fifth of it (two interpreters, each registering its fifty converters).
 *
 * <p>Only plain command lines take this path: the command name and options from a fixed set, each
 * option at most once per level, every value a plain word. Anything else (help, an unknown or repeated
 * option, an option before the command name that only the command has, no path for add) goes through
 * picocli, so every message a user can get stays the one it was. QuickCommandsTest parses command lines
 * both ways and compares what the commands receive.
 */
public final class QuickCommands {
    private QuickCommands() {}

    /** forge's own options, before or after the command name; {@code -C} takes a value. */
    static final Set<String> COMMON = Set.of("-q", "--quiet", "--debug", "-C");

    /** The command's own option, after its name only. */
    static final String JSON = "--json";

    /** What a plain command line says: the options before the command name, the command's, its paths. */
    record Parsed(String name, Level forge, Level command, boolean json, List<String> paths) {
        /** The command, ready to run, writing to {@code out} and {@code err}. */
        Callable<Integer> command(PrintWriter out, PrintWriter err) {
            CommonOptions parent = forge.options(null, out, err);
            CommonOptions common = command.options(parent, out, err);
            JsonOption j = JsonOption.of(json);
            return name.equals("status") ? StatusCommand.direct(common, j) : AddCommand.direct(common, j, paths);
        }

        boolean debug() {
            return forge.debug || command.debug;
        }
    }

    /** The common options of one level (before or after the command name). */
    static final class Level {
        Path directory;
        boolean debug;
        boolean quiet;

        CommonOptions options(CommonOptions parent, PrintWriter out, PrintWriter err) {
            return CommonOptions.direct(directory, debug, quiet, parent, out, err);
        }
    }

    /**
     * Runs {@code args} when they are a plain command line of a command here and returns its exit
     * code; null when they are not (picocli runs them). A failure is reported as {@link Main} reports
     * every failure of a command.
     */
    static Integer run(String[] args, PrintWriter out, PrintWriter err, boolean json) {
        Parsed p = parse(args);
        if (p == null) return null;
        try {
            return p.command(out, err).call();
        } catch (Exception ex) {
            return Main.failed(ex, out, err, json, p.debug());
        }
    }

    /** The plain command line {@code args} is, or null. */
    static Parsed parse(String[] args) {
        String name = null;
        boolean json = false;
        boolean rest = false;
        List<String> paths = new ArrayList<>();
        Level forge = new Level();
        Level command = new Level();
        Level level = forge;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (rest || (name != null && !a.startsWith("-"))) {
                if (!"add".equals(name)) return null;
                paths.add(a);
                continue;
            }
            if (!a.startsWith("-")) {
                if (!a.equals("status") && !a.equals("add")) return null;
                name = a;
                level = command;
                seen.clear();
                continue;
            }
            if (a.equals("--") && "add".equals(name)) {
                rest = true;
                continue;
            }
            boolean known = COMMON.contains(a) || (name != null && a.equals(JSON));
            if (!known || !seen.add(a.equals("--quiet") ? "-q" : a)) return null;
            switch (a) {
                case "-C" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) return null;
                    level.directory = Path.of(args[++i]);
                }
                case "--debug" -> level.debug = true;
                case JSON -> json = true;
                default -> level.quiet = true;
            }
        }
        if (name == null || (name.equals("add") && paths.isEmpty())) return null;
        return new Parsed(name, forge, command, json, List.copyOf(paths));
    }
}
