package dev.forge.cli.commands;

import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Stats;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stats", description = "Files, logical bytes, unique chunks, stored bytes and the deduplication ratio.")
public final class StatsCommand extends RepoCommand {
    @Option(names = "--json", description = "Print the numbers as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open(Mode.READ)) {
            Stats.Report r = new Stats(repo).run();
            if (json) {
                printJson(object().put("commits", r.commits())
                        .put("files", r.headFiles())
                        .put("bytes", r.headBytes())
                        .put("historyFiles", r.historyFiles())
                        .put("logicalBytes", r.logicalBytes())
                        .put("uniqueChunks", r.uniqueChunks())
                        .put("uniqueChunkBytes", r.uniqueChunkBytes())
                        .put("objects", r.objects())
                        .put("packs", r.packs())
                        .put("storedBytes", r.storedBytes())
                        .put("dedupRatio", Math.round(r.dedupRatio() * 1000) / 1000.0));
            } else {
                out().printf(Locale.ROOT, "commits:              %d%n", r.commits());
                out().printf(Locale.ROOT, "files (HEAD):         %d (%s)%n", r.headFiles(), human(r.headBytes()));
                out().printf(
                                Locale.ROOT,
                                "logical (all commits): %s in %d file versions%n",
                                human(r.logicalBytes()),
                                r.historyFiles());
                out().printf(
                                Locale.ROOT,
                                "unique chunks:        %d (%s)%n",
                                r.uniqueChunks(),
                                human(r.uniqueChunkBytes()));
                out().printf(Locale.ROOT, "stored:               %s in %d packs%n", human(r.storedBytes()), r.packs());
                out().printf(Locale.ROOT, "deduplication ratio:  %.2fx%n", r.dedupRatio());
            }
        }
        return 0;
    }
}
