package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.model.Head;
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
        name = "lock",
        description = {
            "Lock files on a remote so that only you push changes to them.",
            "Exactly one of many simultaneous locks on a path wins; the others exit 9",
            "naming the holder. Locking a path this clone holds already is not an error."
        })
public final class LockCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remoteOption;

    @Option(
            names = {"-m", "--message"},
            paramLabel = "MSG",
            description = "Why: shown to others by 'forge locks'.")
    String message;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files to lock (need not exist yet).")
    List<String> paths;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String remoteName = remoteOption.name();
        try (Repository repo = common.open(dev.forge.core.port.LocalStoreFactory.Mode.READ);
                Remote remote = remoteOption.open(repo, out)) {
            List<String> repoPaths = new ArrayList<>();
            for (String p : paths) repoPaths.add(repo.repoPath(common.cwd(), p));
            String branch = repo.head() instanceof Head.OnBranch b ? b.branch() : null;
            FileLocks locks = new FileLocks(remote);
            FileLocks.Owner me = FileLocks.owner(repo);
            ArrayNode taken = dev.forge.cli.Json.array();
            List<FileLocks.Outcome<FileLocks.Taken>> outcomes =
                    locks.lockAll(repoPaths, me, branch, message, remoteOption.jobs());
            for (FileLocks.Outcome<FileLocks.Taken> o : outcomes) {
                FileLocks.Taken t = o.value();
                if (t == null) continue;
                LockFiles.makeWritable(repo, o.path());
                taken.add(LocksCommand.json(t.lock(), me).put("already", t.already()));
                if (!out.json()) {
                    out.info(
                            t.already() ? "Already locked by you: %s on %s%n" : "Locked %s on %s%n",
                            PathText.quote(o.path()),
                            remoteName);
                }
            }
            LocksCommand.throwRefusals(outcomes);
            if (out.json()) out.json(object().put("remote", remoteName).set("locks", taken));
        }
        return 0;
    }
}
