package dev.forge.cli.commands;

import static dev.forge.cli.Json.array;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.History;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(addMethodSubcommands = false, name = "log", description = "Show commits, newest first.")
public final class LogCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "0..1", paramLabel = "REV", description = "Start here instead of HEAD.")
    String rev;

    @Option(
            names = {"-n", "--max-count"},
            paramLabel = "N",
            description = "Show at most N commits.")
    int limit = Integer.MAX_VALUE;

    @Override
    public Integer call() {
        if (limit < 0) throw new dev.forge.core.error.InvalidInputException("-n must not be negative");
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            List<History.Entry> entries = new History(repo).log(rev, limit);
            if (out.json()) {
                ArrayNode a = array();
                for (History.Entry e : entries) {
                    ObjectNode n = a.addObject();
                    n.put("commit", e.id().hex()).put("tree", e.commit().tree().hex());
                    ArrayNode p = n.putArray("parents");
                    for (ObjectId id : e.commit().parents()) p.add(id.hex());
                    n.put("author", e.commit().author())
                            .put("time", e.commit().time().toString())
                            .put("message", e.commit().message());
                }
                out.json(a);
                return 0;
            }
            if (entries.isEmpty()) {
                out.println("No commits yet on " + repo.describeHead());
                return 0;
            }
            for (History.Entry e : entries) {
                out.println("commit " + e.id().hex());
                out.println("Author: "
                        + dev.forge.core.model.PathText.sanitize(e.commit().author()));
                out.println("Date:   " + e.commit().time());
                out.println();
                // A message is text from whoever committed: escape sequences in it are shown, not run.
                for (String line : dev.forge.core.model.PathText.sanitize(
                                e.commit().message())
                        .split("\n", -1)) out.println("    " + line);
                out.println();
            }
        }
        return 0;
    }
}
