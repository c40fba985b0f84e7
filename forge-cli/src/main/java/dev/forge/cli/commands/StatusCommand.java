package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Status;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "status",
        description = "Show staged changes, unstaged changes and untracked files.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    /** The command with these options, without a picocli model ({@link dev.forge.cli.QuickCommands}). */
    public static StatusCommand direct(CommonOptions common, JsonOption json) {
        StatusCommand c = new StatusCommand();
        c.common = common;
        c.json = json;
        return c;
    }

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.SHARED)) {
            Status.Report r = new Status(repo).run(out.progress());
            java.util.List<String> changedPaths = new java.util.ArrayList<>();
            r.staged().forEach(c -> changedPaths.add(c.path()));
            r.unstaged().forEach(c -> changedPaths.add(c.path()));
            var locked = LockFiles.lockedByOthers(repo, changedPaths, out);
            boolean interrupted = repo.workTreeChangePending();
            if (interrupted) {
                // Only where the repository could not be opened to write (else the opening put it back).
                out.warn("a checkout, switch, merge, undo, resolve or restore was interrupted: the changes below"
                        + " may be its half-moved files; the next command that can write this repository puts"
                        + " the work tree back as it was");
            }
            if (out.json()) {
                ObjectNode n = object();
                n.put("branch", r.branch());
                n.put("head", r.headCommit().map(id -> id.hex()).orElse(null));
                n.put("clean", r.clean());
                n.put("interrupted", interrupted);
                changes(n.putArray("staged"), r.staged());
                changes(n.putArray("unstaged"), r.unstaged());
                ArrayNode u = n.putArray("untracked");
                r.untracked().forEach(u::add);
                if (r.merge().isPresent()) {
                    var m = n.putObject("merge")
                            .put("theirs", r.merge().get().theirs().hex())
                            .put("name", r.merge().get().theirsName());
                    ArrayNode c = m.putArray("conflicts");
                    r.merge().get().conflicts().forEach(x -> c.add(x.path()));
                } else {
                    n.putNull("merge");
                }
                Skipped.json(n.putArray("skipped"), r.skipped());
                ArrayNode lk = n.putArray("lockedByOthers");
                locked.forEach((p, l) -> lk.add(object().put("path", p)
                        .put("owner", l.owner())
                        .put("branch", l.branch())
                        .put("since", l.since().toString())));
                out.json(n);
                Skipped.check(r.skipped(), "not compared");
                return 0;
            }
            out.println(r.branch() != null ? "On branch " + r.branch() : "HEAD " + repo.describeHead());
            if (r.headCommit().isEmpty()) out.println("No commits yet");
            r.merge().ifPresent(m -> {
                out.println(
                        "You are merging " + m.theirsName() + " (" + m.theirs().shortHex() + ").");
                if (m.conflicts().isEmpty()) {
                    out.println("All conflicts resolved: run 'forge commit' to record the merge.");
                } else {
                    out.println("Unresolved conflicts (forge resolve PATH --ours|--theirs, or edit and forge add):");
                    for (var c : m.conflicts())
                        out.println("        both changed: " + dev.forge.core.model.PathText.quote(c.path()) + " "
                                + MergeCommand.describe(c));
                }
            });
            if (r.clean()) {
                out.println("Nothing to commit, work tree clean");
            } else if (r.staged().isEmpty()
                    && r.unstaged().isEmpty()
                    && r.untracked().isEmpty()) {
                out.println("No changes in what could be read");
            } else {
                section(out, "Changes to be committed:", r.staged());
                section(out, "Changes not staged for commit:", r.unstaged());
                if (!r.untracked().isEmpty()) {
                    out.println("Untracked files:");
                    for (String p : r.untracked()) out.println("        " + dev.forge.core.model.PathText.quote(p));
                }
            }
            if (!locked.isEmpty()) {
                out.println("Changed files locked by others (a push of them will be refused):");
                locked.forEach((p, l) ->
                        out.println("        " + dev.forge.core.model.PathText.quote(p) + "  " + l.describe()));
            }
            Skipped.check(r.skipped(), "not compared");
        }
        return 0;
    }

    private static void changes(ArrayNode a, List<Status.Change> list) {
        for (Status.Change c : list)
            a.addObject().put("path", c.path()).put("change", c.kind().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static void section(Output out, String title, List<Status.Change> list) {
        if (list.isEmpty()) return;
        out.println(title);
        for (Status.Change c : list) {
            String label = switch (c.kind()) {
                case ADDED -> "new file:";
                case MODIFIED -> "modified:";
                case DELETED -> "deleted:";
                case TYPE_CHANGED -> "typechange:";
            };
            out.printf("        %-12s %s%n", label, dev.forge.core.model.PathText.quote(c.path()));
        }
    }
}
