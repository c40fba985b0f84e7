package dev.forge.cli.commands.remote;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remotes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "remove",
        aliases = "rm",
        description = {"Forget a remote and its remote-tracking branches.", "The remote itself is not touched."})
public final class RemoteRemoveCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "NAME", description = "The remote's name.")
    String name;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            new Remotes(repo).remove(name);
            if (out.json()) out.json(object().put("removed", name));
            else out.info("Removed remote %s%n", name);
        }
        return 0;
    }
}
