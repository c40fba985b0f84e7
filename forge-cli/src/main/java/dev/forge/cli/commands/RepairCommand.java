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
        name = "repair",
        description = {
            "Repair a damaged repository.",
            "--remote NAME reads every pack, then downloads again from NAME the objects whose records are damaged."
        })
public final class RepairCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    /** No default (unlike RemoteOption's origin): each mode of repair is asked for by its option. */
    @Option(
            names = "--remote",
            paramLabel = "NAME",
            description = "Download the damaged objects again from this remote.")
    String remoteName;

    // --index (rebuild the index from the packs) joins here: each mode is one option and one branch of call().

    @Override
    public Integer call() {
        Output out = common.output(json);
        if (remoteName == null) throw new InvalidInputException("say what to repair: forge repair --remote NAME");
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
