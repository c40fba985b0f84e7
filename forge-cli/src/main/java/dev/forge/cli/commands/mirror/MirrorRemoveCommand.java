package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Mirrors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "remove",
        aliases = "rm",
        description = {"Forget a mirror (its remote and role).", "The mirror's storage is not touched."})
public final class MirrorRemoveCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "NAME", description = "The mirror's name.")
    String name;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            new Mirrors(repo).remove(name);
            if (out.json()) out.json(object().put("removed", name));
            else out.info("Removed mirror %s%n", name);
        }
        return 0;
    }
}
