package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;
import static dev.forge.cli.Units.rate;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Add;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "add",
        description = {
            "Stage files and folders for the next commit.",
            "Folders are added recursively, minus the patterns of .forgeignore; a file named explicitly is added even if it"
                    + " is ignored."
        })
public final class AddCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to add.")
    List<String> paths;

    /** The command with these options, without a picocli model ({@link dev.forge.cli.QuickCommands}). */
    public static AddCommand direct(CommonOptions common, JsonOption json, List<String> paths) {
        AddCommand c = new AddCommand();
        c.common = common;
        c.json = json;
        c.paths = paths;
        return c;
    }

    @Override
    public Integer call() {
        Output out = common.output(json);
        dev.forge.core.codec.ChunkEncoder.preload(); // while the repository opens
        try (Repository repo = common.open()) {
            Add.Result r = new Add(repo).run(common.cwd(), paths, out.progress());
            if (out.json()) {
                out.json(object().put("files", r.files())
                        .put("filesRead", r.read())
                        .put("bytes", r.bytes())
                        .put("bytesRead", r.bytesRead())
                        .put("removed", r.removed())
                        .put("seconds", r.seconds())
                        .set("skipped", skipped(r)));
            } else {
                out.info(
                        "Added %d file%s (%s; read %d, %s at %s)%s%n",
                        r.files(),
                        r.files() == 1 ? "" : "s",
                        human(r.bytes()),
                        r.read(),
                        human(r.bytesRead()),
                        rate(r.bytesRead(), r.seconds()),
                        r.removed() > 0 ? ", " + r.removed() + " removed" : "");
            }
            warnUnportable(out, r.unportable());
            Skipped.check(r.skipped(), "the rest was added");
        }
        return 0;
    }

    /**
     * Tracked paths that will not check out as they are on every desktop (differing only by case, or names
     * Windows refuses): stored as they are, and reported on stderr so they can be renamed in time.
     */
    static void warnUnportable(Output out, List<dev.forge.core.model.PortablePaths.Problem> problems) {
        for (var p : problems.subList(0, Math.min(5, problems.size())))
            out.warn("'" + p.path() + "' will not check out as it is everywhere: " + p.problem());
        if (problems.size() > 5) out.warn("... and " + (problems.size() - 5) + " more such paths");
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode skipped(Add.Result r) {
        var a = dev.forge.cli.Json.array();
        Skipped.json(a, r.skipped());
        return a;
    }
}
