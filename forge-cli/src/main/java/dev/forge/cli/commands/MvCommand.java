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
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "mv",
        description = {"Rename or move a tracked file or folder.", "When NEW is an existing folder, OLD moves into it."
        })
public final class MvCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "OLD")
    String from;

    @Parameters(index = "1", paramLabel = "NEW")
    String to;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            List<String> moved = new PathOps(repo).mv(common.cwd(), from, to);
            if (out.json()) {
                var n = object();
                moved.forEach(n.putArray("moved")::add);
                out.json(n);
            } else {
                out.info("Moved %d file%s%n", moved.size(), moved.size() == 1 ? "" : "s");
            }
        }
        return 0;
    }
}
