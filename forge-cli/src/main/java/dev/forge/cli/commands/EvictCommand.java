package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Evict;
import dev.forge.mirror.Remote;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        addMethodSubcommands = false,
        name = "evict",
        description = {
            "Drop from .forge what is safe on a remote, to free disk.",
            "Chunks on the remote (default origin) go.",
            "Kept: the checked-out commit, the stage, a merge, unpushed work and commits younger than",
            "--keep-recent. The clone becomes lazy: what a command later needs is fetched again."
        })
public final class EvictCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remote;

    @Option(
            names = "--keep-recent",
            paramLabel = "DURATION",
            description = "Keep the versions of commits younger than this (30d, 12h, 0s; default 0s).")
    String keepRecent;

    @Option(names = "--dry-run", description = "Say what would be freed; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Output out = common.output(json);
        Duration keep;
        try {
            keep = keepRecent == null ? Duration.ZERO : dev.forge.cli.Units.parseDuration(keepRecent);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--keep-recent: " + e.getMessage());
        }
        try (Repository repo = common.open();
                Remote r = remote.open(repo, out)) {
            Evict.Result x = new Evict(repo).run(r, keep, dryRun, out.progress());
            var s = x.gc().sweep();
            long freed = s.bytesBefore() - s.bytesAfter();
            if (out.json()) {
                out.json(object().put("remote", x.remote())
                        .put("dryRun", dryRun)
                        .put("keepRecentSeconds", keep.toSeconds())
                        .put("objectsDropped", s.deadObjects())
                        .put("bytesBefore", s.bytesBefore())
                        .put("bytesAfter", s.bytesAfter())
                        .put("bytesFreed", freed)
                        .put("packsRewritten", s.packsRewritten())
                        .put("packsDeleted", s.packsDeleted()));
            } else if (dryRun) {
                out.printf(
                        "Would free %s of %s in .forge (%d objects safe on %s)%n",
                        human(freed), human(s.bytesBefore()), s.deadObjects(), x.remote());
            } else {
                out.info(
                        "Freed %s: .forge holds %s, was %s; the %d objects dropped are on %s and come back when"
                                + " needed%n",
                        human(freed), human(s.bytesAfter()), human(s.bytesBefore()), s.deadObjects(), x.remote());
            }
        }
        return 0;
    }
}
