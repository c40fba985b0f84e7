package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.ExitCode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.MergeState;
import dev.forge.core.repo.Identity;
import dev.forge.core.repo.Merge;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "merge",
        description = {
            "Merge BRANCH (or any revision) into the current branch.",
            "Fast-forwards when possible; otherwise merges the trees against their common ancestor. Text changed on both sides",
            "is merged line by line; binary files changed on both sides are conflicts: the work tree keeps ours, 'forge show",
            ":theirs:PATH' and ':base:PATH' give the others, 'forge resolve PATH --ours|--theirs' (or edit + 'forge add') resolves,",
            "'forge commit' records the merge. Exits 7 when it stops on conflicts."
        })
public final class MergeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "0..1", paramLabel = "BRANCH")
    String rev;

    @Option(names = "--abort", description = "Stop the merge in progress and return to the state before it.")
    boolean abort;

    @Option(names = "--author", paramLabel = "\"Name <mail>\"", description = "Author of the merge commit.")
    String author;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            if (abort) {
                new Merge(repo).abort(out.progress());
                if (out.json()) out.json(object().put("aborted", true));
                else out.info("Merge aborted; back to %s%n", repo.describeHead());
                return 0;
            }
            if (rev == null) throw new InvalidInputException("merge needs a BRANCH (or --abort)");
            Merge.Result r = new Merge(repo).run(rev, author != null ? author : Identity.author(repo), out.progress());
            if (out.json()) {
                var n = object().put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT))
                        .put("commit", r.commit() == null ? null : r.commit().hex())
                        .put("filesChanged", r.filesChanged());
                ArrayNode c = n.putArray("conflicts");
                for (MergeState.Conflict x : r.conflicts()) c.add(x.path());
                out.json(n);
            } else {
                switch (r.outcome()) {
                    case UP_TO_DATE -> out.info("Already up to date.%n");
                    case FAST_FORWARD ->
                        out.info(
                                "Fast-forward to %s (%d files changed)%n",
                                r.commit().shortHex(), r.filesChanged());
                    case MERGED ->
                        out.info(
                                "Merged %s: commit %s (%d files changed)%n",
                                rev, r.commit().shortHex(), r.filesChanged());
                    case CONFLICTS -> {
                        // What stopped the merge (exit 7) and what to do: printed also with -q.
                        for (MergeState.Conflict x : r.conflicts())
                            out.println(
                                    "CONFLICT: " + dev.forge.core.model.PathText.quote(x.path()) + " " + describe(x));
                        out.println("Merge stopped on " + r.conflicts().size()
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
