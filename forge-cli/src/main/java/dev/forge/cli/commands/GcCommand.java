package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Gc;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "gc",
        description = {
            "Delete unreachable objects and rewrite mostly-garbage packs.",
            "An object is kept when a ref, tag, the stage, a merge or a recent operation (gc.graceDays,",
            "default 14) reaches it. Never removes reachable data."
        })
public final class GcCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only print what would be freed.")
    boolean dryRun;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(dryRun ? Mode.READ : Mode.RECLAIM)) {
            Gc.Report r = new Gc(repo).run(dryRun, out.progress());
            LocalStore.SweepReport s = r.sweep();
            long freed = s.bytesBefore() - s.bytesAfter();
            LocalStore.CompactReport c = r.compaction();
            if (out.json()) {
                var n = object().put("dryRun", dryRun)
                        .put("liveObjects", r.liveObjects())
                        .put("deadObjects", s.deadObjects())
                        .put("packsBefore", s.packsBefore())
                        .put("packsRewritten", s.packsRewritten())
                        .put("packsDeleted", s.packsDeleted())
                        .put("orphanFiles", s.orphanFiles())
                        .put("bytesBefore", s.bytesBefore())
                        .put("bytesAfter", s.bytesAfter())
                        .put("bytesFreed", freed);
                if (c != null) {
                    n.put("packsAfter", c.packsAfter())
                            .put("indexFilesBefore", c.indexFilesBefore())
                            .put("indexFilesAfter", c.indexFilesAfter());
                }
                out.json(n);
            } else {
                // A dry run's report is the result asked for; after a real run it only confirms.
                String line = String.format(
                        java.util.Locale.ROOT,
                        "%s %d unreachable object(s), %s of %s; %d pack(s) rewritten, %d deleted, %d orphan file(s)%n",
                        dryRun ? "Would free" : "Freed",
                        s.deadObjects(),
                        human(freed),
                        human(s.bytesBefore()),
                        s.packsRewritten(),
                        s.packsDeleted(),
                        s.orphanFiles());
                if (dryRun) out.printf("%s", line);
                else out.info("%s", line);
                if (c != null) {
                    out.info(
                            "Compacted: packs %d -> %d, index files %d -> %d%n",
                            c.packsBefore(), c.packsAfter(), c.indexFilesBefore(), c.indexFilesAfter());
                }
            }
        }
        return 0;
    }
}
