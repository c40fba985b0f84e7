package dev.forge.cli.options;

import dev.forge.cli.Output;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.LazyFetch;
import dev.forge.mirror.Remote;
import dev.forge.mirror.RemoteOptions;
import dev.forge.mirror.blob.RetryListener;
import dev.forge.storage.RocksLocalStoreFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every forge command takes: {@code -C DIR}, {@code --debug} and {@code -q/--quiet}. The
 * {@code forge} command and the groups ({@code remote}, ...) hold a copy too, for the options given
 * before the (sub)command name; a command's copy falls back on theirs, so {@code forge -C shots status}
 * and {@code forge status -C shots} mean the same. A command holds it as a {@link Mixin} and gets from it the directory it runs in, its
 * repository and its {@link Output}.
 */
public final class CommonOptions {
    /** forge-storage wired into forge-core: the one local store implementation. */
    public static final LocalStoreFactory STORES = new RocksLocalStoreFactory();

    @Option(names = "-C", paramLabel = "DIR", description = "Run as if forge was started in DIR.")
    Path directory;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress and no informational messages; results, warnings and errors are still printed.")
    boolean quiet;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * Where the options given before the command name are, and where output goes, for a copy made by
     * {@link #direct} (no picocli model); null for a copy picocli made.
     */
    private CommonOptions parent;

    private java.io.PrintWriter out;
    private java.io.PrintWriter err;

    /**
     * A copy with these values and no picocli model behind it ({@link dev.forge.cli.QuickCommands}):
     * {@code parent} holds the options given before the command name, or is null.
     */
    public static CommonOptions direct(
            Path directory,
            boolean debug,
            boolean quiet,
            CommonOptions parent,
            java.io.PrintWriter out,
            java.io.PrintWriter err) {
        CommonOptions o = new CommonOptions();
        o.directory = directory;
        o.debug = debug;
        o.quiet = quiet;
        o.parent = parent;
        o.out = out;
        o.err = err;
        return o;
    }

    /** This copy and those of the commands above it ({@code forge}, a group such as {@code remote}), nearest first. */
    private List<CommonOptions> chain() {
        List<CommonOptions> chain = new ArrayList<>(3);
        if (mixee == null) {
            for (CommonOptions o = this; o != null; o = o.parent) chain.add(o);
            return chain;
        }
        for (CommandSpec c = mixee; c != null; c = c.parent()) {
            for (CommandSpec m : c.mixins().values()) {
                if (m.userObject() instanceof CommonOptions o) chain.add(o);
            }
        }
        return chain;
    }

    /** The directory the command runs in: the nearest {@code -C DIR}, else the current one. */
    public Path cwd() {
        Path base = Path.of("").toAbsolutePath();
        for (CommonOptions o : chain()) {
            if (o.directory != null) return base.resolve(o.directory).normalize();
        }
        return base;
    }

    public boolean quiet() {
        for (CommonOptions o : chain()) {
            if (o.quiet) return true;
        }
        return false;
    }

    /** Whether --debug was given, here or before the command name. */
    public boolean debug() {
        for (CommonOptions o : chain()) {
            if (o.debug) return true;
        }
        return false;
    }

    /** Opens the repository that holds {@link #cwd()}, for a command that changes it. */
    public Repository open() {
        return open(LocalStoreFactory.Mode.WRITE);
    }

    /**
     * Opens the repository that holds {@link #cwd()} for {@code mode}: a command (or an invocation,
     * like {@code branch} without a name) that only reads says {@link LocalStoreFactory.Mode#READ}, and
     * then works on a read-only mount or a full disk; a change there fails with one line naming the
     * folder and why.
     */
    public Repository open(LocalStoreFactory.Mode mode) {
        Repository repo = Repository.open(STORES, cwd(), mode);
        // A sparse or lazy clone fetches what a command needs and it lacks from the remote it was
        // cloned from (a lazy clone names it in .forge/lazy).
        String from = repo.lazyRemote().orElse(repo.sparse().isSparse() ? LAZY_REMOTE : null);
        if (from != null && repo.remotes().containsKey(from)) {
            repo.lazyFetch(new LazyFetch(
                    repo,
                    from,
                    new RemoteOptions(
                            Remote.DEFAULT_PARALLELISM,
                            TransferOptions.policy(System.getenv(), repo.config()),
                            RetryListener.NONE)));
        }
        // A reading command may grow the store too (a lazy clone's show fetches); the index is open
        // for writing (and so this process's alone) unless the disk is read-only.
        if (!repo.readOnly() && repo.config().storeMaxSize() != null) {
            java.io.PrintWriter err = err();
            repo.beforeClose(() -> dev.forge.cli.StoreLimit.enforce(repo, err));
        }
        return repo;
    }

    /** The remote lazy fetch reads from: the one a clone was made from. */
    static final String LAZY_REMOTE = "origin";

    /** The command's output, in JSON when {@code json} is set. */
    public Output output(JsonOption json) {
        return new Output(out(), err(), json.enabled(), quiet());
    }

    /** The output of a command that has no {@code --json}. */
    public Output output() {
        return new Output(out(), err(), false, quiet());
    }

    private java.io.PrintWriter out() {
        return mixee != null ? mixee.commandLine().getOut() : out;
    }

    private java.io.PrintWriter err() {
        return mixee != null ? mixee.commandLine().getErr() : err;
    }
}
