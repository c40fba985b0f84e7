package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Undo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "undo",
        description = {
            "Undo the last operation; undo again to redo.",
            "Refs, HEAD and the stage go back to what they were before it, and the work tree too",
            "when the operation had changed it and it has no changes of its own."
        })
public final class UndoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            Undo.Result r = new Undo(repo).run(out.progress());
            if (out.json()) {
                out.json(object().put("undone", r.undone().command())
                        .put("workTreeUpdated", r.workTreeUpdated())
                        .put("head", r.head() == null ? null : r.head().hex()));
            } else {
                out.info(
                        "Undid '%s'%s; HEAD is %s%n",
                        r.undone().command(), r.workTreeUpdated() ? " (work tree updated)" : "", repo.describeHead());
            }
        }
        return 0;
    }
}
