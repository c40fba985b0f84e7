package dev.forge.cli.options;

import dev.forge.cli.Output;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.repo.Repository;
import dev.forge.storage.RocksLocalStoreFactory;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every forge command takes: {@code -C DIR}, {@code --debug} and {@code -q/--quiet}. The
 * {@code forge} command itself holds a copy for the options given before the command name; a
 * command's copy falls back on it, so {@code forge -C shots status} and {@code forge status -C shots}
 * mean the same. A command holds it as a {@link Mixin} and gets from it the directory it runs in, its
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

    /** The copy held by the {@code forge} command (options before the command name), or null. */
    private CommonOptions global() {
        for (CommandSpec m : mixee.root().mixins().values()) {
            if (m.userObject() instanceof CommonOptions o && o != this) return o;
        }
        return null;
    }

    /** The directory the command runs in: {@code -C DIR} (after, else before the command), else the current one. */
    public Path cwd() {
        Path base = Path.of("").toAbsolutePath();
        Path d = directory;
        CommonOptions g = global();
        if (d == null && g != null) d = g.directory;
        return d == null ? base : base.resolve(d).normalize();
    }

    public boolean quiet() {
        CommonOptions g = global();
        return quiet || (g != null && g.quiet);
    }

    /** Opens the repository that holds {@link #cwd()}. */
    public Repository open() {
        return Repository.open(STORES, cwd());
    }

    /** The command's output, in JSON when {@code json} is set. */
    public Output output(JsonOption json) {
        var cl = mixee.commandLine();
        return new Output(cl.getOut(), cl.getErr(), json.enabled(), quiet());
    }

    /** The output of a command that has no {@code --json}. */
    public Output output() {
        var cl = mixee.commandLine();
        return new Output(cl.getOut(), cl.getErr(), false, quiet());
    }
}
