package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Repository;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "init",
        description = "Create an empty repository in DIR (default: the current folder).")
public final class InitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Where to create it.")
    Path dir;

    @Override
    public Integer call() {
        Output out = common.output(json);
        Path target = dir == null ? common.cwd() : common.cwd().resolve(dir).normalize();
        try (Repository repo = Repository.init(CommonOptions.STORES, target, RepoConfig.defaults())) {
            if (out.json()) {
                ObjectNode n = object().put("path", repo.root().toString()).put("branch", repo.describeHead());
                n.putObject("chunking")
                        .put("min", repo.config().chunking().minSize())
                        .put("avg", repo.config().chunking().avgSize())
                        .put("max", repo.config().chunking().maxSize());
                n.put("compression", repo.config().compression().name().toLowerCase(java.util.Locale.ROOT));
                out.json(n);
            } else {
                out.info(
                        "Initialized empty forge repository in %s%n",
                        repo.root().resolve(".forge"));
            }
        }
        return 0;
    }
}
