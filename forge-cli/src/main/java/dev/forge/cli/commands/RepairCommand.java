package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.LocalStoreFactory.IndexRebuildReport;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "repair",
        description = {
            "Repair a damaged repository.",
            "--index rebuilds .forge/index from the pack files (objects), the old index where it still",
            "reads, and .forge/journal (refs, HEAD, remotes, stage, op log). Safe to interrupt and rerun."
        })
public final class RepairCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Option(names = "--index", description = "Rebuild .forge/index; the old one is kept beside it.")
    boolean index;

    @Override
    public Integer call() {
        if (!index) throw new InvalidInputException("say what to repair: forge repair --index");
        Output out = common.output(json);
        IndexRebuildReport r = Repository.rebuildIndex(CommonOptions.STORES, common.cwd(), out.progress());
        if (out.json()) {
            var n = object().put("packs", r.packs())
                    .put("objects", r.objects())
                    .put("damagedRecords", r.damagedRecords())
                    .put("refsFrom", r.refsFrom())
                    .put("refs", r.refs())
                    .put("operations", r.operations())
                    .put("stageFrom", r.stageFrom())
                    .put("oldIndex", r.oldIndex() == null ? null : r.oldIndex().toString());
            ArrayNode notes = n.putArray("notes");
            r.notes().forEach(notes::add);
            out.json(n);
            return 0;
        }
        out.printf(
                "Rebuilt the index: %d objects from %d packs%s%n",
                r.objects(),
                r.packs(),
                r.damagedRecords() == 0 ? "" : ", " + r.damagedRecords() + " damaged record(s) skipped");
        out.printf("refs, HEAD, remotes: from %s (%d refs)%n", r.refsFrom(), r.refs());
        out.printf("op log: %d operations; stage: from %s%n", r.operations(), r.stageFrom());
        for (String note : r.notes()) out.println("note: " + note);
        if (r.oldIndex() != null)
            out.println("The old index is kept in " + r.oldIndex() + "; delete it once 'forge fsck' is clean.");
        out.info("%s%n", "Run 'forge fsck' to check the result.");
        return 0;
    }
}
