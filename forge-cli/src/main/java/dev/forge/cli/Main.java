package dev.forge.cli;

import dev.forge.cli.commands.AddCommand;
import dev.forge.cli.commands.BranchCommand;
import dev.forge.cli.commands.CheckoutCommand;
import dev.forge.cli.commands.CommitCommand;
import dev.forge.cli.commands.CompletionCommand;
import dev.forge.cli.commands.ConfigCommand;
import dev.forge.cli.commands.DemoCommand;
import dev.forge.cli.commands.DiffCommand;
import dev.forge.cli.commands.DuCommand;
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
import dev.forge.cli.options.CommonOptions;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code forge} command: global options and the list of subcommands, one class each. */
@Command(
        addMethodSubcommands = false,
        name = "forge",
        mixinStandardHelpOptions = false,
        description = "Version control for large media files.",
        synopsisSubcommandLabel = "COMMAND",
        versionProvider = Main.VersionText.class,
        footer = {"", "Run 'forge help COMMAND' for a command's options, 'forge help exit-codes' for exit codes."})
public final class Main implements Callable<Integer> {
    /** -C DIR, --debug and -q given before the command name; every command holds its own copy too. */
    @CommandLine.Mixin
    CommonOptions options;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show help.",
            scope = CommandLine.ScopeType.INHERIT)
    boolean help;

    @Option(
            names = {"-V", "--version"},
            versionHelp = true,
            description = "Print the version (as 'forge version' does).")
    boolean version;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No command: the usage on stderr, and exit 2 (a script that forgot its command must not pass). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    /** What {@code forge --version} prints: the line of {@code forge version}. */
    public static final class VersionText implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            // picocli formats the line with String.format: keep a '%' in it literal.
            return new String[] {VersionCommand.text().replace("%", "%%")};
        }
    }

    /**
     * Every command's name and class, in the order help lists them. The names are written out rather
     * than read from each class's {@code @Command} annotation: reading 45 annotations (a dynamic proxy
     * each) was a fifth of {@code forge version}'s start-up. MainTest checks that they agree. Only the one named on the command line is
     * instantiated and introspected (picocli builds its model by reflection, a third of a run's start-up
     * when done for all of them); help, completion, unknown commands and a missing command get the whole
     * list, {@code forge --version} none.
     */
    static final java.util.List<java.util.Map.Entry<String, Class<?>>> COMMANDS = java.util.List.of(
            java.util.Map.entry("init", InitCommand.class),
            java.util.Map.entry("add", AddCommand.class),
            java.util.Map.entry("status", StatusCommand.class),
            java.util.Map.entry("commit", CommitCommand.class),
            java.util.Map.entry("log", LogCommand.class),
            java.util.Map.entry("checkout", CheckoutCommand.class),
            java.util.Map.entry("diff", DiffCommand.class),
            java.util.Map.entry("restore", RestoreCommand.class),
            java.util.Map.entry("show", ShowCommand.class),
            java.util.Map.entry("fsck", FsckCommand.class),
            java.util.Map.entry("repair", dev.forge.cli.commands.RepairCommand.class),
            java.util.Map.entry("stats", StatsCommand.class),
            java.util.Map.entry("du", DuCommand.class),
            java.util.Map.entry("config", ConfigCommand.class),
            java.util.Map.entry("branch", BranchCommand.class),
            java.util.Map.entry("tag", TagCommand.class),
            java.util.Map.entry("switch", SwitchCommand.class),
            java.util.Map.entry("merge", MergeCommand.class),
            java.util.Map.entry("resolve", ResolveCommand.class),
            java.util.Map.entry("rm", RmCommand.class),
            java.util.Map.entry("mv", MvCommand.class),
            java.util.Map.entry("op", OpCommand.class),
            java.util.Map.entry("remote", dev.forge.cli.commands.remote.RemoteCommand.class),
            java.util.Map.entry("mirror", dev.forge.cli.commands.mirror.MirrorCommand.class),
            java.util.Map.entry("auth", dev.forge.cli.commands.auth.AuthCommand.class),
            java.util.Map.entry("key", dev.forge.cli.commands.key.KeyCommand.class),
            java.util.Map.entry("clone", dev.forge.cli.commands.CloneCommand.class),
            java.util.Map.entry("fetch", dev.forge.cli.commands.FetchCommand.class),
            java.util.Map.entry("pull", dev.forge.cli.commands.PullCommand.class),
            java.util.Map.entry("push", dev.forge.cli.commands.PushCommand.class),
            java.util.Map.entry("lock", dev.forge.cli.commands.LockCommand.class),
            java.util.Map.entry("unlock", dev.forge.cli.commands.UnlockCommand.class),
            java.util.Map.entry("locks", dev.forge.cli.commands.LocksCommand.class),
            java.util.Map.entry("sparse", dev.forge.cli.commands.sparse.SparseCommand.class),
            java.util.Map.entry("prefetch", dev.forge.cli.commands.PrefetchCommand.class),
            java.util.Map.entry("serve", dev.forge.cli.commands.ServeCommand.class),
            java.util.Map.entry("web", dev.forge.cli.commands.WebCommand.class),
            java.util.Map.entry("import", dev.forge.cli.commands.imports.ImportCommand.class),
            java.util.Map.entry("video", dev.forge.cli.commands.video.VideoCommand.class),
            java.util.Map.entry("undo", UndoCommand.class),
            java.util.Map.entry("gc", GcCommand.class),
            java.util.Map.entry("evict", dev.forge.cli.commands.EvictCommand.class),
            java.util.Map.entry("retain", dev.forge.cli.commands.RetainCommand.class),
            java.util.Map.entry("obliterate", dev.forge.cli.commands.ObliterateCommand.class),
            java.util.Map.entry("demo", DemoCommand.class),
            java.util.Map.entry("version", VersionCommand.class),
            java.util.Map.entry("completion", CompletionCommand.class),
            java.util.Map.entry("help", HelpCommand.class));

    /** Command lines that print the version line and nothing else. */
    private static final Set<String> VERSION_ONLY = Set.of("version", "--version", "-V");

    /** Commands that describe the others, so need them all. */
    private static final Set<Class<?>> NEED_ALL = Set.of(HelpCommand.class, CompletionCommand.class);

    private static final java.util.Map<String, Class<?>> BY_NAME = new java.util.HashMap<>();

    static {
        for (var e : COMMANDS) BY_NAME.put(e.getKey(), e.getValue());
    }

    /** The first argument that is not one of forge's own options (or the value of -C): the command name. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-C")) {
                i++;
            } else if (a.startsWith("-C") || a.equals("--debug") || a.equals("-q") || a.equals("--quiet")) {
                continue;
            } else {
                return a.startsWith("-") ? null : a;
            }
        }
        return null;
    }

    /** The model picocli builds from the annotations: of the command named in {@code args}, or of all. */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        String name = commandName(args);
        Class<?> one = BY_NAME.get(name);
        if (one != null && !NEED_ALL.contains(one)) {
            cl.addSubcommand(newCommand(one));
        } else if (name != null || !versionOnly(args)) {
            for (var e : COMMANDS) cl.addSubcommand(newCommand(e.getValue()));
        }
        return cl;
    }

    private static boolean versionOnly(String[] args) {
        var list = Arrays.asList(args);
        return (list.contains("--version") || list.contains("-V")) && !list.contains("--help") && !list.contains("-h");
    }

    private static Object newCommand(Class<?> c) {
        try {
            return c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create command " + c.getName(), e);
        }
    }

    static {
        // picocli's default factory otherwise looks for Groovy's Closure class on first use: a class
        // that is not in forge, so the look-up opens the 50 MB jar and reads its directory (5-10 ms).
        if (System.getProperty("picocli.disable.closures") == null)
            System.setProperty("picocli.disable.closures", "true");
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals(AotTraining.COMMAND)) System.exit(AotTraining.run());
        int code = run(
                args,
                new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8));
        // Success with no other thread left that would keep the JVM up: return, and the JVM exits with
        // 0 after running the shutdown hooks, as System.exit(0) does. System.exit first asks for a
        // System.Logger to log the exit (JDK 17+), and finding the logging backend scans the class
        // path's service files, which opens the jar and reads its 14,000-entry directory: a tenth of
        // `forge version`.
        if (code == 0 && !otherUserThreads()) return;
        System.exit(code);
    }

    /** Whether a live non-daemon thread other than this one exists (it would keep the JVM running). */
    static boolean otherUserThreads() {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g.getParent() != null) g = g.getParent();
        Thread[] all = new Thread[g.activeCount() + 16];
        int n = g.enumerate(all, true);
        if (n == all.length) return true; // more than fit: do not guess
        for (int i = 0; i < n; i++) {
            Thread t = all[i];
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) return true;
        }
        return false;
    }

    /**
     * Runs one command line; returns the exit code. Used by tests in-process too. Every failure ends
     * here as one line on stderr (JSON with --json) and the exit code {@link ExitCode#of} gives it.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 1 && VERSION_ONLY.contains(args[0])) {
            // What every artist's first command and every script's probe runs: no command model to
            // build for one fixed line (picocli's reflection over Main and the command was most of it).
            out.println(VersionCommand.text());
            out.flush();
            return 0;
        }
        boolean json = asksForJson(args);
        try {
            Integer quick = QuickCommands.run(args, out, err, json);
            if (quick != null) return quick;
        } catch (OutOfMemoryError oom) {
            return outOfMemory(out, err, json);
        }
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            new Output(c.getOut(), c.getErr(), json, false)
                    .error(dev.forge.mirror.RemoteUrl.redact(ex.getMessage()), ExitCode.USAGE.code());
            if (!json) {
                String path = commandPath(c);
                c.getErr().println("Try 'forge help" + (path.isEmpty() ? "" : " " + path) + "' for usage.");
            }
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler(
                (ex, c, parsed) -> failed(ex, c.getOut(), c.getErr(), json, matched(parsed, "--debug")));
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError oom) {
            return outOfMemory(out, err, json);
        }
    }

    /** Reports a command's failure as one line (JSON with --json), the stack trace with --debug; its exit code. */
    static int failed(Exception ex, PrintWriter out, PrintWriter err, boolean json, boolean debug) {
        int code = ExitCode.of(ex).code();
        // Messages name paths and refs: no control character in them reaches the terminal raw.
        new Output(out, err, json, false)
                // Every error line goes through the one redaction of URL credentials (user input, SDK messages).
                .error(dev.forge.core.model.PathText.sanitize(dev.forge.mirror.RemoteUrl.redact(message(ex))), code);
        if (debug) {
            ex.printStackTrace(err);
            err.flush();
        }
        return code;
    }

    private static int outOfMemory(PrintWriter out, PrintWriter err, boolean json) {
        new Output(out, err, json, false)
                .error("out of memory; raise it with FORGE_JAVA_OPTS=-Xmx4g", ExitCode.FAILURE.code());
        return ExitCode.FAILURE.code();
    }

    /**
     * Whether {@code --json} is among the options (before a {@code --}). Read from the arguments, not
     * the parse result, because a usage error must be reported as JSON too and then nothing was parsed.
     */
    static boolean asksForJson(String[] args) {
        for (String a : args) {
            if (a.equals("--")) return false;
            if (a.equals("--json")) return true;
        }
        return false;
    }

    private static String commandPath(CommandLine cl) {
        String q = cl.getCommandSpec().qualifiedName(" ");
        return q.startsWith("forge") ? q.substring(5).trim() : q;
    }

    private static boolean matched(CommandLine.ParseResult parsed, String option) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) return true;
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
