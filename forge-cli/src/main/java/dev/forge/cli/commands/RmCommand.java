package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.PathOps;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "rm",
        description = "Stop tracking files (and delete them, unless --cached).")
public final class RmCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "1..*", paramLabel = "PATH")
    List<String> paths;

    @Option(names = "--cached", description = "Keep the files in the work tree.")
    boolean cached;

    @Option(
            names = {"-f", "--force"},
            description = "Delete files even when they have unstaged changes.")
    boolean force;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            List<String> removed = new PathOps(repo).rm(common.cwd(), paths, cached, force);
            if (out.json()) {
                var n = object().put("cached", cached);
                removed.forEach(n.putArray("removed")::add);
                out.json(n);
            } else {
                for (String p : removed) out.info("rm '%s'%n", dev.forge.core.model.PathText.quote(p));
            }
        }
        return 0;
    }
}
