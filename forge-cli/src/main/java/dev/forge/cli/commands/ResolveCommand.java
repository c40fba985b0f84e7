package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.repo.Merge;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "resolve",
        description = "Resolve conflicts by taking our or their version of each PATH.")
public final class ResolveCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "1..*", paramLabel = "PATH")
    List<String> paths;

    @Option(names = "--ours", description = "Keep our version.")
    boolean ours;

    @Option(names = "--theirs", description = "Take their version.")
    boolean theirs;

    @Override
    public Integer call() {
        if (ours == theirs) throw new InvalidInputException("choose one of --ours or --theirs");
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            List<String> done = new Merge(repo).resolve(common.cwd(), paths, theirs, out.progress());
            int left = repo.mergeState().map(m -> m.conflicts().size()).orElse(0);
            if (out.json()) {
                var n = object().put("side", theirs ? "theirs" : "ours").put("conflictsLeft", left);
                done.forEach(n.putArray("resolved")::add);
                out.json(n);
            } else {
                out.info(
                        "Resolved %d path(s) with %s; %d conflict(s) left%n",
                        done.size(), theirs ? "theirs" : "ours", left);
            }
        }
        return 0;
    }
}
