package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.ExitCode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Fsck;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "fsck",
        description = {"Verify every pack byte, index entry and reachable object.", "Exits 5 when anything is damaged."
        })
public final class FsckCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    static final String REPAIR_HINT = "fsck: to repair: 'forge repair --remote NAME' downloads damaged objects again"
            + " from a remote that has them, 'forge add' of a file you still have stores its chunks again;"
            + " then 'forge gc' drops the damaged packs";

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            Fsck.Report r = new Fsck(repo).run(out.progress());
            if (out.json()) {
                var n = object().put("ok", r.ok())
                        .put("packs", r.packs())
                        .put("objects", r.objects())
                        .put("commits", r.commits())
                        .put("trees", r.trees())
                        .put("files", r.files())
                        .put("remoteOnly", r.remoteOnly());
                ArrayNode p = n.putArray("problems");
                r.problems().forEach(p::add);
                ArrayNode g = n.putArray("purged");
                r.purged().forEach(g::add);
                out.json(n);
            } else {
                for (String p : r.problems()) out.warn("fsck: " + dev.forge.core.model.PathText.sanitize(p));
                if (!r.ok()) out.warn(REPAIR_HINT);
                out.info(
                        "%s: %d packs, %d objects, %d commits, %d trees, %d file versions checked; %d problem%s%n",
                        r.ok() ? "ok" : "DAMAGED",
                        r.packs(),
                        r.objects(),
                        r.commits(),
                        r.trees(),
                        r.files(),
                        r.problems().size(),
                        r.problems().size() == 1 ? "" : "s");
                if (r.remoteOnly() > 0)
                    out.info(
                            "%d file versions of this lazy clone are on the remote only, evicted or never fetched"
                                    + " (fetched when needed)%n",
                            r.remoteOnly());
                if (!r.purged().isEmpty()) {
                    out.info(
                            "%d file versions were purged (history kept, content gone; not damage):%n",
                            r.purged().size());
                    for (String x : r.purged()) out.info("  purged: %s%n", dev.forge.core.model.PathText.sanitize(x));
                }
            }
            return r.ok() ? 0 : ExitCode.INTEGRITY.code();
        }
    }
}
