package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Stats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "stats",
        description = {
            "Show file counts, stored bytes and the deduplication ratio.",
            "Files and bytes at HEAD and in all history, unique chunks, packs and stored bytes."
        })
public final class StatsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            Stats.Report r = new Stats(repo).run();
            if (out.json()) {
                out.json(object().put("commits", r.commits())
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
                out.printf("commits:              %d%n", r.commits());
                out.printf("files (HEAD):         %d (%s)%n", r.headFiles(), human(r.headBytes()));
                out.printf(
                        "logical (all commits): %s in %d file versions%n", human(r.logicalBytes()), r.historyFiles());
                out.printf("unique chunks:        %d (%s)%n", r.uniqueChunks(), human(r.uniqueChunkBytes()));
                out.printf("stored:               %s in %d packs%n", human(r.storedBytes()), r.packs());
                out.printf("deduplication ratio:  %.2fx%n", r.dedupRatio());
            }
        }
        return 0;
    }
}
