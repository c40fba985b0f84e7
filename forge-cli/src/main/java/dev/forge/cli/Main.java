package dev.forge.cli;

import dev.forge.cli.commands.AddCommand;
import dev.forge.cli.commands.BranchCommand;
import dev.forge.cli.commands.CheckoutCommand;
import dev.forge.cli.commands.CommitCommand;
import dev.forge.cli.commands.ConfigCommand;
import dev.forge.cli.commands.DemoCommand;
import dev.forge.cli.commands.DiffCommand;
import dev.forge.cli.commands.FsckCommand;
import dev.forge.cli.commands.GcCommand;
import dev.forge.cli.commands.HelpCommand;
import dev.forge.cli.commands.InitCommand;
import dev.forge.cli.commands.LogCommand;
import dev.forge.cli.commands.MergeCommand;
import dev.forge.cli.commands.MvCommand;
import dev.forge.cli.commands.ResolveCommand;
import dev.forge.cli.commands.RestoreCommand;
import dev.forge.cli.commands.RmCommand;
import dev.forge.cli.commands.ShowCommand;
import dev.forge.cli.commands.StatsCommand;
import dev.forge.cli.commands.StatusCommand;
import dev.forge.cli.commands.SwitchCommand;
import dev.forge.cli.commands.TagCommand;
import dev.forge.cli.commands.UndoCommand;
import dev.forge.cli.commands.VersionCommand;
import dev.forge.cli.commands.op.OpCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code forge} command: global options and the list of subcommands, one class each. */
@Command(
        name = "forge",
        mixinStandardHelpOptions = false,
        description = "Version control for large media files.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Run 'forge help COMMAND' for a command's options, 'forge help exit-codes' for exit codes."})
public final class Main implements Runnable {
    @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show help.",
            scope = CommandLine.ScopeType.INHERIT)
    boolean help;

    @Option(names = "-C", paramLabel = "DIR", description = "Run as if forge was started in DIR.")
    java.nio.file.Path directory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The {@code -C DIR} given before the command name, or null. */
    public java.nio.file.Path directory() {
        return directory;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Every command class, in the order help lists them. Only the one named on the command line is
     * instantiated and introspected (picocli builds its model by reflection, a third of a run's start-up
     * when done for all of them); help and unknown commands get the whole list.
     */
    static final java.util.List<Class<?>> COMMANDS = java.util.List.of(
            InitCommand.class,
            AddCommand.class,
            StatusCommand.class,
            CommitCommand.class,
            LogCommand.class,
            CheckoutCommand.class,
            DiffCommand.class,
            RestoreCommand.class,
            ShowCommand.class,
            FsckCommand.class,
            StatsCommand.class,
            ConfigCommand.class,
            BranchCommand.class,
            TagCommand.class,
            SwitchCommand.class,
            MergeCommand.class,
            ResolveCommand.class,
            RmCommand.class,
            MvCommand.class,
            OpCommand.class,
            dev.forge.cli.commands.remote.RemoteCommand.class,
            dev.forge.cli.commands.CloneCommand.class,
            dev.forge.cli.commands.FetchCommand.class,
            dev.forge.cli.commands.PullCommand.class,
            dev.forge.cli.commands.PushCommand.class,
            dev.forge.cli.commands.sparse.SparseCommand.class,
            dev.forge.cli.commands.RepairCommand.class,
            UndoCommand.class,
            GcCommand.class,
            DemoCommand.class,
            VersionCommand.class,
            HelpCommand.class);

    private static final java.util.Map<String, Class<?>> BY_NAME = new java.util.HashMap<>();

    static {
        for (Class<?> c : COMMANDS) BY_NAME.put(c.getAnnotation(Command.class).name(), c);
    }

    /** The first argument that is not one of forge's own options (or the value of -C): the command name. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-C")) {
                i++;
            } else if (a.startsWith("-C") || a.equals("--debug")) {
                continue;
            } else {
                return a.startsWith("-") ? null : a;
            }
        }
        return null;
    }

    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> one = BY_NAME.get(commandName(args));
        if (one != null && one != HelpCommand.class) {
            cl.addSubcommand(newCommand(one));
        } else {
            for (Class<?> c : COMMANDS) cl.addSubcommand(newCommand(c));
        }
        return cl;
    }

    private static Object newCommand(Class<?> c) {
        try {
            return c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create command " + c.getName(), e);
        }
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals(AotTraining.COMMAND)) System.exit(AotTraining.run());
        int code = run(
                args,
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8));
        System.exit(code);
    }

    /** Runs one command line; returns the exit code. Used by tests in-process too. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("forge: " + ex.getMessage());
            String path = commandPath(ex.getCommandLine());
            ex.getCommandLine()
                    .getErr()
                    .println("Try 'forge help" + (path.isEmpty() ? "" : " " + path) + "' for usage.");
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean debug = isDebug(parsed);
            PrintWriter e = c.getErr();
            e.println("forge: " + message(ex));
            if (debug) {
                ex.printStackTrace(e);
            }
            e.flush();
            return ExitCode.of(ex).code();
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError oom) {
            err.println("forge: out of memory; raise it with FORGE_JAVA_OPTS=-Xmx4g");
            return ExitCode.FAILURE.code();
        }
    }

    private static String commandPath(CommandLine cl) {
        String q = cl.getCommandSpec().qualifiedName(" ");
        return q.startsWith("forge") ? q.substring(5).trim() : q;
    }

    private static boolean isDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) return true;
        }
        return false;
    }

    private static String message(Throwable ex) {
        if (ex instanceof dev.forge.core.error.ForgeException) return ex.getMessage();
        if (ex instanceof java.io.UncheckedIOException u) ex = u.getCause();
        if (ex instanceof java.nio.file.NoSuchFileException n) return "no such file: " + n.getFile();
        if (ex instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
        if (ex instanceof java.nio.file.FileSystemException f) return f.getMessage();
        if (ex instanceof java.io.IOException) return "I/O error: " + ex.getMessage();
        return "internal error: " + ex + " (run with --debug for details, and please report it)";
    }
}
