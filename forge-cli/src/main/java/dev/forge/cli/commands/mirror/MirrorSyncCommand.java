package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.TransferOptions;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.MirrorSync;
import dev.forge.mirror.Mirrors;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "sync",
        description = {
            "Bring mirrors up to date now.",
            "Each gets the branches of the remote it follows (as this",
            "repository last saw them), sending only what it lacks. A branch deleted there stays on",
            "the mirror. Exit 12 when some mirrors failed (each is named)."
        })
public final class MirrorSyncCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One mirror (default: every mirror).")
    String name;

    @Option(names = "--tags", description = "Also send every tag (a tag moved here moves on the mirror).")
    boolean tags;

    @Option(names = "--full", description = "Walk all history, not only new commits: after a mirror's --only changed.")
    boolean full;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            Mirrors mirrors = new Mirrors(repo);
            List<Mirrors.Mirror> which;
            if (name == null) {
                which = List.copyOf(mirrors.list().values());
            } else {
                Mirrors.Mirror m = mirrors.list().get(name);
                if (m == null) throw new NotFoundException("no mirror named '" + name + "'");
                which = List.of(m);
            }
            List<MirrorSync.Report> reports = new MirrorSync(repo, MirrorReports.opener(repo, out, transfer))
                    .full(full)
                    .tags(tags)
                    .syncAll(which);
            if (out.json()) out.json(object().set("mirrors", MirrorReports.json(reports)));
            else if (reports.isEmpty()) out.info("No mirrors ('forge mirror add NAME URL' adds one).%n");
            else MirrorReports.print(out, reports);
            MirrorReports.requireAllOk(reports);
        }
        return 0;
    }
}
