package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "restore",
        description = {
            "Put files back from the stage, or from --source REV.",
            "The work tree's version of each named file is overwritten; the stage does not change."
        })
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to restore.")
    List<String> paths;

    @Option(
            names = {"-s", "--source"},
            paramLabel = "REV",
            description = "Take the files from this commit instead of the stage.")
    String source;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            Checkout.Result r = new Checkout(repo).restore(common.cwd(), paths, source, out.progress());
            if (out.json()) out.json(object().put("filesWritten", r.written()).put("bytesWritten", r.bytes()));
            else out.info("Restored %d file%s (%s)%n", r.written(), r.written() == 1 ? "" : "s", human(r.bytes()));
        }
        return 0;
    }
}
