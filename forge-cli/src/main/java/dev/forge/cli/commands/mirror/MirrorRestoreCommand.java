package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Json.object;

import dev.forge.cli.ExitCode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.TransferOptions;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.youtube.YouTubeRestore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "restore",
        description = {
            "Restore a YouTube mirror from downloaded videos.",
            "Decodes every file in DIR (YouTube Studio or Takeout downloads, re-encoded by YouTube),",
            "puts back the packs of every video recovered whole, and fetches them as from any",
            "encrypted remote: decrypted and verified before anything enters the repository.",
            "Into an empty repository (given the key: your identity or FORGE_PASSPHRASE) it also",
            "makes the branches and checks one out. Exit 12 when videos or packs the upload record",
            "or the newest video name were not found (listed); exit 5 when no video was usable."
        })
public final class MirrorRestoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    @Parameters(index = "0", paramLabel = "NAME", description = "The youtube:// mirror (made when missing).")
    String name;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The folder of downloaded videos.")
    Path from;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            YouTubeRestore.Result r = new YouTubeRestore(repo, MirrorReports.opener(repo, out, transfer), common.cwd())
                    .run(name, common.cwd().resolve(from), out.progress());
            boolean partial = !r.missing().isEmpty() || r.fetchError() != null;
            if (out.json()) {
                var n = object().put("mirror", name)
                        .put("packsRestored", r.packsRestored())
                        .put("objectsSalvaged", r.objectsSalvaged())
                        .put("checkedOut", r.checkedOut())
                        .put("fetchError", r.fetchError())
                        .put("complete", !partial);
                var vs = n.putArray("videos");
                for (YouTubeRestore.Video v : r.videos())
                    vs.addObject()
                            .put("file", v.file())
                            .put("ok", v.ok())
                            .put("batch", v.ok() ? v.batch() : null)
                            .put("packs", v.packs())
                            .put("payloadBytes", v.payloadBytes())
                            .put("framesRepaired", v.framesRepaired())
                            .put("error", v.error());
                var bs = n.putObject("branches");
                r.branches().forEach((b, id) -> bs.put(b, id.hex()));
                r.missing().forEach(n.putArray("missing")::add);
                out.json(n);
            } else {
                for (YouTubeRestore.Video v : r.videos()) {
                    if (v.ok())
                        out.info(
                                "  %s: batch %d, %d packs, %d bytes (%d frames repaired)%n",
                                v.file(), v.batch(), v.packs(), v.payloadBytes(), v.framesRepaired());
                    else out.warn(v.file() + ": not usable: " + v.error());
                }
                out.info(
                        "Restored %d packs from %d of %d videos; branches: %s%s%n",
                        r.packsRestored(),
                        r.videos().stream().filter(YouTubeRestore.Video::ok).count(),
                        r.videos().size(),
                        r.branches().isEmpty()
                                ? "none"
                                : String.join(", ", r.branches().keySet()),
                        r.checkedOut() == null ? "" : " (checked out " + r.checkedOut() + ")");
                if (r.fetchError() != null)
                    out.warn("the branches could not be restored: " + r.fetchError() + "; " + r.objectsSalvaged()
                            + " objects of the packs found were imported (verified)");
                for (String m : r.missing()) out.warn("missing: " + m);
            }
            return partial ? ExitCode.PARTIAL.code() : 0;
        }
    }
}
