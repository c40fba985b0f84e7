package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.PartialResultException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.retain.PurgeRecord;
import dev.forge.mirror.Obliterate;
import dev.forge.mirror.RemoteGc;
import dev.forge.mirror.Remotes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "obliterate",
        description = {
            "Remove a file's contents for good; its history stays.",
            "Every version of PATH (or the one at --rev) leaves the local store and, with --remote NAME",
            "or --all-remotes, those remotes (their packs are rewritten now).",
            "Commits and trees stay; the versions show as obliterated everywhere. Cannot be undone:",
            "try --dry-run first. A path not in history exits 4."
        })
public final class ObliterateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    dev.forge.cli.options.TransferOptions transfer;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders, as in history.")
    List<String> paths;

    @Option(names = "--rev", paramLabel = "REV", description = "Only the version at REV.")
    String rev;

    @Option(names = "--remote", paramLabel = "NAME", description = "Also remove it from remote NAME.")
    String remote;

    @Option(names = "--all-remotes", description = "Also remove it from every remote and mirror.")
    boolean allRemotes;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only list the versions that would go.")
    boolean dryRun;

    @Override
    public Integer call() {
        Output out = common.output(json);
        if (remote != null && allRemotes)
            throw new InvalidInputException("give --remote NAME or --all-remotes, not both");
        try (Repository repo = common.open(dryRun ? Mode.READ : Mode.RECLAIM)) {
            List<String> inRepo = new ArrayList<>();
            for (String p : paths) inRepo.add(repo.repoPath(common.cwd(), p));
            Obliterate o = new Obliterate(repo);
            Map<ObjectId, PurgeRecord.Entry> contents = o.contents(inRepo, rev);
            TreeSet<String> where = new TreeSet<>();
            long bytes = 0;
            for (PurgeRecord.Entry e : contents.values()) where.add(e.reason());
            List<String> remotes = allRemotes
                    ? new ArrayList<>(repo.remotes().keySet())
                    : remote == null ? List.of() : List.of(remote);
            if (remote != null && !repo.remotes().containsKey(remote)) {
                throw new dev.forge.core.error.NotFoundException("no remote named '" + remote + "'");
            }
            if (dryRun) {
                if (out.json()) {
                    ObjectNode n = object().put("dryRun", true).put("contents", contents.size());
                    var a = n.putArray("paths");
                    where.forEach(a::add);
                    out.json(n);
                } else {
                    out.printf(
                            "Would obliterate %d version(s) of: %s%s%n",
                            contents.size(),
                            String.join(", ", where),
                            remotes.isEmpty() ? " (local store only)" : " here and on " + String.join(", ", remotes));
                }
                return 0;
            }
            Obliterate.Result r = o.run(
                    contents,
                    remotes,
                    name -> new Remotes(repo).open(name, transfer.options(name, out, repo.config())),
                    out.progress());
            var s = r.local().sweep();
            bytes = s.bytesBefore() - s.bytesAfter();
            if (out.json()) {
                ObjectNode n = object().put("dryRun", false).put("contents", contents.size());
                var a = n.putArray("paths");
                where.forEach(a::add);
                n.putObject("local").put("bytesFreed", bytes);
                ObjectNode rs = n.putObject("remotes");
                for (Map.Entry<String, RemoteGc.Result> e : r.remotes().entrySet()) {
                    rs.putObject(e.getKey())
                            .put("packsRewritten", e.getValue().packsRewritten())
                            .put("packsDeleted", e.getValue().packsDeleted())
                            .put("bytesDeleted", e.getValue().bytesDeleted())
                            .put("deletionDeferred", e.getValue().deletionDeferred());
                }
                ObjectNode f = n.putObject("failed");
                r.failed().forEach(f::put);
                out.json(n);
            } else {
                out.info(
                        "Obliterated %d version(s) of %s: %s freed here%n",
                        contents.size(), String.join(", ", where), human(bytes));
                for (Map.Entry<String, RemoteGc.Result> e : r.remotes().entrySet()) {
                    out.info(
                            "  %s: %d pack(s) rewritten, %d deleted (%s)%s%n",
                            e.getKey(),
                            e.getValue().packsRewritten(),
                            e.getValue().packsDeleted(),
                            human(e.getValue().bytesDeleted()),
                            e.getValue().deletionDeferred()
                                    ? "; pushes kept running, run it again to delete the old packs"
                                    : "");
                }
                if (remotes.isEmpty() && !repo.remotes().isEmpty()) {
                    out.info("Remotes still hold it: run again with --remote NAME or --all-remotes%n");
                }
            }
            if (!r.failed().isEmpty()) {
                List<String> failed = new ArrayList<>();
                r.failed().forEach((k, v) -> failed.add(k + " (" + v + ")"));
                throw new PartialResultException("obliterated here, but not on", failed);
            }
        }
        return 0;
    }
}
