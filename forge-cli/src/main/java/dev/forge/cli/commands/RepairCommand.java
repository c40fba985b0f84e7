package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.TransferOptions;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.LocalStoreFactory.IndexRebuildReport;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import dev.forge.mirror.Repair;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        addMethodSubcommands = false,
        name = "repair",
        description = {
            "Repair a damaged repository.",
            "--index rebuilds .forge/index from the pack files (objects), the old index",
            "where it still reads, and .forge/journal (refs, HEAD, remotes, stage, op log);",
            "safe to interrupt and rerun.",
            "--remote NAME reads every pack, then downloads again from NAME the objects",
            "whose records are damaged."
        })
public final class RepairCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    @Option(names = "--index", description = "Rebuild .forge/index; the old one is kept beside it.")
    boolean index;

    /** No default (unlike RemoteOption's origin): each mode of repair is asked for by its option. */
    @Option(
            names = "--remote",
            paramLabel = "NAME",
            description = "Download the damaged objects again from this remote.")
    String remoteName;

    @Override
    public Integer call() {
        if (index == (remoteName != null)) {
            throw new InvalidInputException(
                    "say what to repair, one at a time: forge repair --index, or forge" + " repair --remote NAME");
        }
        Output out = common.output(json);
        return index ? rebuildIndex(out) : fromRemote(out);
    }

    private int rebuildIndex(Output out) {
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

    private int fromRemote(Output out) {
        try (Repository repo = common.open();
                Remote remote = new Remotes(repo).open(remoteName, transfer.jobs())) {
            Repair.Result r = new Repair(repo, remote).run(out.progress());
            if (out.json()) {
                var n = object().put("remote", remoteName).put("bytesReceived", r.bytesReceived());
                ids(n.putArray("damaged"), r.damaged());
                ids(n.putArray("repaired"), r.repaired());
                ids(n.putArray("missingOnRemote"), r.missingOnRemote());
                out.json(n);
            } else if (r.damaged().isEmpty()) {
                out.info("Every object's record checks out: nothing to repair%n");
            } else {
                out.info(
                        "Repaired %d of %d damaged objects from %s (%s received); 'forge gc' drops the damaged copies%n",
                        r.repaired().size(), r.damaged().size(), remoteName, human(r.bytesReceived()));
            }
            if (!r.missingOnRemote().isEmpty()) throw notOnRemote(r.missingOnRemote());
        }
        return 0;
    }

    private IntegrityException notOnRemote(List<ObjectId> left) {
        return new IntegrityException(left.size() + " damaged object" + (left.size() == 1 ? " is" : "s are")
                + " not on " + remoteName + " ("
                + String.join(
                        ", ", left.stream().limit(5).map(ObjectId::shortHex).toList())
                + (left.size() > 5 ? ", ..." : "")
                + "); 'forge add' the files that hold them if you still have them, or repair from another remote");
    }

    private static void ids(ArrayNode a, List<ObjectId> ids) {
        ids.forEach(id -> a.add(id.hex()));
    }
}
