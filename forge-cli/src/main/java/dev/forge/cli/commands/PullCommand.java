package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Pull;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "pull",
        description = {
            "Fetch, then fast-forward the current branch and the work tree to the remote's branch.",
            "If both sides have new commits nothing changes (exit 8): merge REMOTE/BRANCH, then push."
        })
public final class PullCommand extends RepoCommand {
    @Parameters(arity = "0..1", paramLabel = "REMOTE", description = "Remote name (default origin).")
    String remoteName = "origin";

    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Transfers in flight (default 8).")
    int jobs = Remote.DEFAULT_PARALLELISM;

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    RemoteTransferOptions transfer;

    @Override
    public Integer call() {
        try (Repository repo = open();
                Remote remote = new Remotes(repo).open(remoteName, transfer.options(remoteName, jobs, json, err()))) {
            Pull.Result r = new Pull(repo, remote).run(progress(json || transfer.quiet()));
            if (json) {
                ObjectNode n = FetchCommand.summary(remoteName, r.fetch());
                n.put("branch", r.branch())
                        .put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT))
                        .put("before", r.before() == null ? null : r.before().hex())
                        .put("after", r.after().hex());
                if (r.checkout() != null)
                    n.put("filesWritten", r.checkout().written())
                            .put("filesRemoved", r.checkout().removed());
                printJson(n);
                return 0;
            }
            FetchCommand.warnSkipped(err(), remoteName, r.fetch());
            switch (r.outcome()) {
                case UP_TO_DATE ->
                    out().printf(
                                    Locale.ROOT,
                                    "Already up to date: %s is at %s%n",
                                    r.branch(),
                                    r.after().shortHex());
                case AHEAD ->
                    out().printf(
                                    Locale.ROOT,
                                    "%s is ahead of %s/%s: nothing to pull ('forge push' sends your commits)%n",
                                    r.branch(),
                                    remoteName,
                                    r.branch());
                case FAST_FORWARD ->
                    out().printf(
                                    Locale.ROOT,
                                    "Fast-forwarded %s %s -> %s: %d written, %d removed; %s received in %.1f s%n",
                                    r.branch(),
                                    r.before() == null ? "(new)" : r.before().shortHex(),
                                    r.after().shortHex(),
                                    r.checkout().written(),
                                    r.checkout().removed(),
                                    human(r.fetch().bytesReceived()),
                                    r.fetch().seconds());
            }
        }
        return 0;
    }
}
