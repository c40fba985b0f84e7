package dev.forge.cli.commands.remote;

import static dev.forge.cli.Json.array;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remotes;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", aliases = "ls", description = "List the remotes: name and URL.")
public final class RemoteListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            Map<String, String> remotes = new Remotes(repo).list();
            if (out.json()) {
                ArrayNode a = array();
                remotes.forEach((n, u) -> a.addObject().put("name", n).put("url", u));
                out.json(a);
            } else {
                remotes.forEach((n, u) -> out.printf("%s\t%s%n", n, u));
            }
        }
        return 0;
    }
}
