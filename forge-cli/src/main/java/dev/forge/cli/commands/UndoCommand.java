package dev.forge.cli.commands;

import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Undo;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "undo",
        description = {
            "Undo the last operation: refs, HEAD and the stage go back to what they were before it,",
            "and the work tree too when the operation had changed it and it has no changes of its own. Undo again to redo."
        })
public final class UndoCommand extends RepoCommand {
    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            Undo.Result r = new Undo(repo).run(progress(json));
            if (json) {
                printJson(object().put("undone", r.undone().command())
                        .put("workTreeUpdated", r.workTreeUpdated())
                        .put("head", r.head() == null ? null : r.head().hex()));
            } else {
                out().printf(
                                Locale.ROOT,
                                "Undid '%s'%s; HEAD is %s%n",
                                r.undone().command(),
                                r.workTreeUpdated() ? " (work tree updated)" : "",
                                repo.describeHead());
            }
        }
        return 0;
    }
}
