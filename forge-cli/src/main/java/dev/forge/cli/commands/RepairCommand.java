package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import dev.forge.mirror.Repair;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "repair",
        description = {
            "Repair a damaged repository.",
            "--remote NAME reads every pack, then downloads again from NAME the objects whose records are damaged."
        })
public final class RepairCommand extends RepoCommand {
    @Option(
            names = "--remote",
            paramLabel = "NAME",
            description = "Download the damaged objects again from this remote.")
    String remoteName;

    // --index (rebuild the index from the packs) joins here: each mode is one option and one branch of call().

    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Transfers in flight (default 8; ranged reads use twice as many).")
    int jobs = Remote.DEFAULT_PARALLELISM;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (remoteName == null) throw new InvalidInputException("say what to repair: forge repair --remote NAME");
        try (Repository repo = open();
                Remote remote = new Remotes(repo).open(remoteName, jobs)) {
            Repair.Result r = new Repair(repo, remote).run(progress(json));
            if (json) {
                var n = object().put("remote", remoteName).put("bytesReceived", r.bytesReceived());
                ids(n.putArray("damaged"), r.damaged());
                ids(n.putArray("repaired"), r.repaired());
                ids(n.putArray("missingOnRemote"), r.missingOnRemote());
                printJson(n);
            } else if (r.damaged().isEmpty()) {
                out().println("Every object's record checks out: nothing to repair");
            } else {
                out().printf(
                                Locale.ROOT,
                                "Repaired %d of %d damaged objects from %s (%s received); 'forge gc' drops the damaged copies%n",
                                r.repaired().size(),
                                r.damaged().size(),
                                remoteName,
                                human(r.bytesReceived()));
            }
            if (!r.missingOnRemote().isEmpty()) {
                List<ObjectId> left = r.missingOnRemote();
                throw new IntegrityException(
                        left.size() + " damaged object" + (left.size() == 1 ? " is" : "s are")
                                + " not on " + remoteName + " ("
                                + String.join(
                                        ", ",
                                        left.stream()
                                                .limit(5)
                                                .map(ObjectId::shortHex)
                                                .toList())
                                + (left.size() > 5 ? ", ..." : "")
                                + "); 'forge add' the files that hold them if you still have them, or repair from another remote");
            }
        }
        return 0;
    }

    private static void ids(ArrayNode a, List<ObjectId> ids) {
        ids.forEach(id -> a.add(id.hex()));
    }
}
