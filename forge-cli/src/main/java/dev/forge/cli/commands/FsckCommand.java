package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.ExitCode;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "fsck",
        description = "Verify every pack byte, index entry and reachable object. Exits 5 when anything is damaged.")
public final class FsckCommand extends RepoCommand {
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    static final String REPAIR_HINT = "forge: fsck: to repair: 'forge repair --remote NAME' downloads damaged objects"
            + " again from a remote that has them, 'forge add' of a file you still have stores its chunks again;"
            + " then 'forge gc' drops the damaged packs";

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            Fsck.Report r = new Fsck(repo).run(progress(json));
            if (json) {
                var n = object().put("ok", r.ok())
                        .put("packs", r.packs())
                        .put("objects", r.objects())
                        .put("commits", r.commits())
                        .put("trees", r.trees())
                        .put("files", r.files());
                ArrayNode p = n.putArray("problems");
                r.problems().forEach(p::add);
                printJson(n);
            } else {
                for (String p : r.problems()) spec.commandLine().getErr().println("forge: fsck: " + p);
                if (!r.ok()) spec.commandLine().getErr().println(REPAIR_HINT);
                out().printf(
                                Locale.ROOT,
                                "%s: %d packs, %d objects, %d commits, %d trees, %d file versions checked; %d problem%s%n",
                                r.ok() ? "ok" : "DAMAGED",
                                r.packs(),
                                r.objects(),
                                r.commits(),
                                r.trees(),
                                r.files(),
                                r.problems().size(),
                                r.problems().size() == 1 ? "" : "s");
            }
            return r.ok() ? 0 : ExitCode.INTEGRITY.code();
        }
    }
}
