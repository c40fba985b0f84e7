package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.ExitCode;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.MergeState;
import dev.forge.core.repo.Merge;
import dev.forge.core.repo.Repository;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "merge",
        description = {
            "Merge BRANCH (or any revision) into the current branch.",
            "Fast-forwards when possible; otherwise merges the trees against their common ancestor. Text changed on both sides",
            "is merged line by line; binary files changed on both sides are conflicts: the work tree keeps ours, 'forge show",
            ":theirs:PATH' and ':base:PATH' give the others, 'forge resolve PATH --ours|--theirs' (or edit + 'forge add') resolves,",
            "'forge commit' records the merge. Exits 7 when it stops on conflicts."
        })
public final class MergeCommand extends RepoCommand {
    @Parameters(arity = "0..1", paramLabel = "BRANCH")
    String rev;

    @Option(names = "--abort", description = "Stop the merge in progress and return to the state before it.")
    boolean abort;

    @Option(names = "--author", paramLabel = "\"Name <mail>\"", description = "Author of the merge commit.")
    String author;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            if (abort) {
                new Merge(repo).abort(progress(json));
                if (json) printJson(object().put("aborted", true));
                else out().println("Merge aborted; back to " + repo.describeHead());
                return 0;
            }
            if (rev == null) throw new InvalidInputException("merge needs a BRANCH (or --abort)");
            Merge.Result r =
                    new Merge(repo).run(rev, author != null ? author : CommitCommand.defaultAuthor(), progress(json));
            if (json) {
                var n = object().put("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                        .put("commit", r.commit() == null ? null : r.commit().hex())
                        .put("filesChanged", r.filesChanged());
                ArrayNode c = n.putArray("conflicts");
                for (MergeState.Conflict x : r.conflicts()) c.add(x.path());
                printJson(n);
            } else {
                switch (r.outcome()) {
                    case UP_TO_DATE -> out().println("Already up to date.");
                    case FAST_FORWARD ->
                        out().printf(
                                        Locale.ROOT,
                                        "Fast-forward to %s (%d files changed)%n",
                                        r.commit().shortHex(),
                                        r.filesChanged());
                    case MERGED ->
                        out().printf(
                                        Locale.ROOT,
                                        "Merged %s: commit %s (%d files changed)%n",
                                        rev,
                                        r.commit().shortHex(),
                                        r.filesChanged());
                    case CONFLICTS -> {
                        for (MergeState.Conflict x : r.conflicts())
                            out().println("CONFLICT: " + x.path() + " " + describe(x));
                        out().println("Merge stopped on " + r.conflicts().size()
                                + " conflict(s): resolve them, then 'forge commit' (or 'forge merge --abort').");
                    }
                }
            }
            return r.outcome() == Merge.Outcome.CONFLICTS ? ExitCode.CONFLICT.code() : 0;
        }
    }

    static String describe(MergeState.Conflict c) {
        if (c.ours() == null) return "(deleted on our side, changed on theirs)";
        if (c.theirs() == null) return "(changed on our side, deleted on theirs)";
        if (c.base() == null) return "(added on both sides)";
        return "(changed on both sides)";
    }
}
