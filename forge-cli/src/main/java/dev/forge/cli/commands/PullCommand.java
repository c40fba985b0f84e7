package dev.forge.cli.commands;

import static dev.forge.cli.Units.human;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteArgument;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Pull;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "pull",
        description = {
            "Fetch, then fast-forward the current branch and the work tree.",
            "The branch moves to the remote's branch of the same name.",
            "If both sides have new commits nothing changes (exit 8): merge REMOTE/BRANCH, then push."
        })
public final class PullCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteArgument remoteArg;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String remoteName = remoteArg.name();
        try (Repository repo = common.open();
                Remote remote = new Remotes(repo).open(remoteName, remoteArg.options(remoteName, out, repo.config()))) {
            Pull.Result r = new Pull(repo, remote).run(out.progress());
            if (r.checkout() != null) LockFiles.afterCheckout(repo, out);
            if (!out.json()) FetchCommand.warnSkipped(out, remoteName, r.fetch());
            if (out.json()) {
                ObjectNode n = FetchCommand.summary(remoteName, r.fetch());
                n.put("branch", r.branch())
                        .put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT))
                        .put("before", r.before() == null ? null : r.before().hex())
                        .put("after", r.after().hex());
                if (r.checkout() != null)
                    n.put("filesWritten", r.checkout().written())
                            .put("filesRemoved", r.checkout().removed());
                out.json(n);
                return 0;
            }
            switch (r.outcome()) {
                case UP_TO_DATE ->
                    out.info(
                            "Already up to date: %s is at %s%n",
                            r.branch(), r.after().shortHex());
                case AHEAD ->
                    out.info(
                            "%s is ahead of %s/%s: nothing to pull ('forge push' sends your commits)%n",
                            r.branch(), remoteName, r.branch());
                case FAST_FORWARD ->
                    out.info(
                            "Fast-forwarded %s %s -> %s: %d written, %d removed; %s received in %.1f s%n",
                            r.branch(),
                            r.before() == null ? "(new)" : r.before().shortHex(),
                            r.after().shortHex(),
                            r.checkout().written(),
                            r.checkout().removed(),
                            human(r.fetch().bytesReceivedInAll()),
                            r.fetch().seconds());
            }
        }
        return 0;
    }
}
