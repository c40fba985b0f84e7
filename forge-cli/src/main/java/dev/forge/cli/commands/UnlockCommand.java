package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.model.PathText;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.FileLocks;
import dev.forge.mirror.Remote;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "unlock",
        description = {
            "Remove your file locks, or with --force anyone's.",
            "The holder of a broken lock is told at their next push or 'forge locks'.",
            "Another's lock without --force: exit 9."
        })
public final class UnlockCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remoteOption;

    @Option(names = "--force", description = "Break locks held by others.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files to unlock.")
    List<String> paths;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String remoteName = remoteOption.name();
        try (Repository repo = common.open(dev.forge.core.port.LocalStoreFactory.Mode.READ);
                Remote remote = remoteOption.open(repo, out)) {
            List<String> repoPaths = new ArrayList<>();
            for (String p : paths) repoPaths.add(repo.repoPath(common.cwd(), p));
            FileLocks locks = new FileLocks(remote);
            FileLocks.Owner me = FileLocks.owner(repo);
            ArrayNode removed = dev.forge.cli.Json.array();
            List<FileLocks.Outcome<FileLocks.Lock>> outcomes =
                    locks.unlockAll(repoPaths, me, force, remoteOption.jobs());
            for (FileLocks.Outcome<FileLocks.Lock> o : outcomes) {
                FileLocks.Lock l = o.value();
                if (l == null) continue;
                removed.add(LocksCommand.json(l, me));
                if (!out.json()) {
                    if (l.heldBy(me)) out.info("Unlocked %s on %s%n", PathText.quote(o.path()), remoteName);
                    else out.info("Broke the lock of %s on %s%n", l.describe(), PathText.quote(o.path()));
                }
            }
            LocksCommand.throwRefusals(outcomes);
            if (out.json()) out.json(object().put("remote", remoteName).set("unlocked", removed));
        }
        return 0;
    }
}
