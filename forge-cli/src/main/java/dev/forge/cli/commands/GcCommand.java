package dev.forge.cli.commands;

import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Gc;
import dev.forge.core.repo.Repository;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "gc",
        description = {
            "Remove objects that no ref, tag, stage, merge or recent operation (gc.graceDays, default 14)",
            "reaches, and rewrite packs that are mostly garbage. Never removes reachable data."
        })
public final class GcCommand extends RepoCommand {
    @Option(
            names = {"-n", "--dry-run"},
            description = "Only print what would be freed.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open(dryRun ? Mode.READ : Mode.RECLAIM)) {
            Gc.Report r = new Gc(repo).run(dryRun, progress(json));
            LocalStore.SweepReport s = r.sweep();
            long freed = s.bytesBefore() - s.bytesAfter();
            LocalStore.CompactReport c = r.compaction();
            if (json) {
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
                printJson(n);
            } else {
                out().printf(
                                Locale.ROOT,
                                "%s %d unreachable object(s), %s of %s; %d pack(s) rewritten, %d deleted, %d orphan file(s)%n",
                                dryRun ? "Would free" : "Freed",
                                s.deadObjects(),
                                human(freed),
                                human(s.bytesBefore()),
                                s.packsRewritten(),
                                s.packsDeleted(),
                                s.orphanFiles());
                if (c != null) {
                    out().printf(
                                    Locale.ROOT,
                                    "Compacted: packs %d -> %d, index files %d -> %d%n",
                                    c.packsBefore(),
                                    c.packsAfter(),
                                    c.indexFilesBefore(),
                                    c.indexFilesAfter());
                }
            }
        }
        return 0;
    }
}
