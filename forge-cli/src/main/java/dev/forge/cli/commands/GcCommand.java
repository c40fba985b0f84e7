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
        addMethodSubcommands = false,
        name = "gc",
        description = {
            "Delete unreachable objects and rewrite mostly-garbage packs.",
            "An object is kept when a ref, tag, the stage, a merge or a recent operation (gc.graceDays,",
            "default 14) reaches it. Never removes reachable data.",
            "With --remote NAME: collects the remote instead, safely while others push to it (a pack is",
            "deleted only by a later run than the one that found it dead, after --grace)."
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

    @Mixin
    dev.forge.cli.options.TransferOptions transfer;

    @Option(
            names = "--remote",
            paramLabel = "NAME",
            description = "Collect the remote NAME instead of the local store.")
    String remote;

    @Option(
            names = "--grace",
            paramLabel = "DURATION",
            description = "With --remote: how long a pack must have been found dead before it is deleted"
                    + " (e.g. 30d, 12h, 0s; default " + DEFAULT_GRACE + ").")
    String grace;

    static final String DEFAULT_GRACE = "1d";

    @Override
    public Integer call() {
        Output out = common.output(json);
        if (remote != null) return remote(out);
        if (grace != null) {
            throw new dev.forge.core.error.InvalidInputException(
                    "--grace applies to 'forge gc --remote NAME' only; local gc keeps what gc.graceDays says");
        }
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
                        .put("bytesFreed", freed)
                        .put("contentsPurged", r.purged());
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
                if (r.purged() > 0) {
                    out.info(
                            "%s %d file version(s) outside the retention policy (forge fsck lists them)%n",
                            dryRun ? "Would purge" : "Purged", r.purged());
                }
                if (c != null) {
                    out.info(
                            "Compacted: packs %d -> %d, index files %d -> %d%n",
                            c.packsBefore(), c.packsAfter(), c.indexFilesBefore(), c.indexFilesAfter());
                }
            }
        }
        return 0;
    }

    private Integer remote(Output out) {
        java.time.Duration g;
        try {
            g = dev.forge.cli.Units.parseDuration(grace == null ? DEFAULT_GRACE : grace);
        } catch (IllegalArgumentException e) {
            throw new dev.forge.core.error.InvalidInputException("--grace: " + e.getMessage());
        }
        try (Repository repo = common.open(Mode.WRITE);
                dev.forge.mirror.Remote r =
                        new dev.forge.mirror.Remotes(repo).open(remote, transfer.options(remote, out, repo.config()))) {
            dev.forge.mirror.RemoteGc.Result x = new dev.forge.mirror.RemoteGc(repo, r).run(g, dryRun, out.progress());
            String price = repo.config().remotePrices().get(remote);
            Double saving = price == null ? null : x.bytesToFree() / (double) (1L << 30) * Double.parseDouble(price);
            if (out.json()) {
                var n = object().put("remote", remote)
                        .put("dryRun", dryRun)
                        .put("graceSeconds", g.toSeconds())
                        .put("liveObjects", x.liveObjects())
                        .put("objectsToFree", x.objectsToFree())
                        .put("bytesToFree", x.bytesToFree())
                        .put("packsBefore", x.packsBefore())
                        .put("bytesBefore", x.bytesBefore())
                        .put("packsRewritten", x.packsRewritten())
                        .put("packsDeleted", x.packsDeleted())
                        .put("bytesDeleted", x.bytesDeleted())
                        .put("packsPending", x.packsPending())
                        .put("bytesPending", x.bytesPending())
                        .put("deletionDeferred", x.deletionDeferred())
                        .put("bytesAfter", x.bytesAfter())
                        .put("contentsPurged", x.contentsPurged());
                if (saving != null)
                    n.put("pricePerGiBMonth", Double.parseDouble(price)).put("monthlySaving", saving);
                out.json(n);
                return 0;
            }
            String save = saving == null
                    ? ""
                    : String.format(java.util.Locale.ROOT, ", saving %.2f a month at %s per GiB", saving, price);
            if (dryRun) {
                out.printf(
                        "Would free %d object(s), about %s of %s on %s%s%n",
                        x.objectsToFree(), human(x.bytesToFree()), human(x.bytesBefore()), remote, save);
                return 0;
            }
            out.info(
                    "%s: %d pack(s) deleted (%s), %d rewritten; %d dead pack(s) (%s) wait for a later run after the"
                            + " grace of %s; %s -> %s%s%n",
                    remote,
                    x.packsDeleted(),
                    human(x.bytesDeleted()),
                    x.packsRewritten(),
                    x.packsPending(),
                    human(x.bytesPending()),
                    grace == null ? DEFAULT_GRACE : grace,
                    human(x.bytesBefore()),
                    human(x.bytesAfter()),
                    save);
            if (x.contentsPurged() > 0) {
                out.info(
                        "%s: %d file version(s) outside the retention policy purged (their packs go as above)%n",
                        remote, x.contentsPurged());
            }
            if (x.deletionDeferred()) {
                out.info("Pushes kept running; deleting was left to the next run%n");
            }
        }
        return 0;
    }
}
