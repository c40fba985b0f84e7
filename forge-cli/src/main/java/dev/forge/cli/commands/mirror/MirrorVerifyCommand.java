package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.TransferOptions;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.PartialResultException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.MirrorCheck;
import dev.forge.mirror.Mirrors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "verify",
        description = {
            "Check that the mirrors together hold every byte of a commit.",
            "The commit is REV (default HEAD); names the paths they cannot restore (exit 12).",
            "Reads each mirror's pack indexes."
        })
public final class MirrorVerifyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    @Parameters(arity = "0..1", paramLabel = "REV", description = "The commit (default HEAD).")
    String rev = "HEAD";

    @Option(
            names = "--mirror",
            paramLabel = "NAME",
            description = "Only these mirrors (repeatable; default: every mirror).")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            var all = new Mirrors(repo).list();
            for (String n : only) if (!all.containsKey(n)) throw new NotFoundException("no mirror named '" + n + "'");
            List<Mirrors.Mirror> which = all.values().stream()
                    .filter(m -> only.isEmpty() || only.contains(m.name()))
                    .toList();
            if (which.isEmpty()) throw new NotFoundException("no mirrors to verify ('forge mirror add NAME URL')");
            ObjectId commit = repo.resolve(rev);
            MirrorCheck.Verified v =
                    new MirrorCheck(repo, MirrorReports.opener(repo, out, transfer)).verify(commit, which);
            if (out.json()) {
                var n = object().put("commit", commit.hex())
                        .put("complete", v.complete())
                        .put("files", v.files())
                        .put("metadataMissing", v.metadataMissing());
                v.mirrors().forEach(n.putArray("mirrors")::add);
                var missing = n.putObject("missingPaths");
                v.missingPaths().forEach(missing::put);
                var unreadable = n.putObject("unreadable");
                v.unreadable().forEach(unreadable::put);
                out.json(n);
            } else {
                v.unreadable().forEach((m, why) -> out.warn("mirror " + m + " could not be read: " + why));
                if (v.complete()) {
                    out.info(
                            "The mirrors (%s) together hold every byte of %s: %d files%n",
                            String.join(", ", v.mirrors()), commit.shortHex(), v.files());
                } else if (v.metadataMissing() > 0 && v.missingPaths().isEmpty()) {
                    out.info(
                            "The mirrors hold every file of %s but %d of its commit, trees or lists: sync them%n",
                            commit.shortHex(), v.metadataMissing());
                }
            }
            if (!v.complete()) {
                List<String> paths = new ArrayList<>(v.missingPaths().keySet());
                if (paths.isEmpty()) paths.add(v.metadataMissing() + " metadata objects (run 'forge mirror sync')");
                throw new PartialResultException(
                        "the mirrors (" + String.join(", ", v.mirrors()) + ") cannot restore "
                                + v.missingPaths().size() + " of " + v.files() + " files of " + commit.shortHex()
                                + (v.metadataMissing() > 0
                                        ? " (and lack " + v.metadataMissing() + " metadata objects)"
                                        : ""),
                        paths);
            }
        }
        return 0;
    }
}
