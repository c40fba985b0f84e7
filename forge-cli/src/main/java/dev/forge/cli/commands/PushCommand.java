package dev.forge.cli.commands;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.Head;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Push;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "push",
        description = {
            "Send a branch to a remote: only what it lacks, then move its branch.",
            "Refused (exit 8) if the remote's branch has commits you do not have: pull first."
        })
public final class PushCommand extends RepoCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE", description = "Remote name (default origin).")
    String remoteName = "origin";

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "BRANCH",
            description = "Branch to push (default: the current one); LOCAL:REMOTE pushes under another name.")
    String branch;

    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Uploads in flight (default 8).")
    int jobs = Remote.DEFAULT_PARALLELISM;

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    RemoteTransferOptions transfer;

    @Override
    public Integer call() {
        try (Repository repo = open();
                Remote remote = new Remotes(repo).open(remoteName, transfer.options(remoteName, jobs, json, err()))) {
            String local = branch;
            String target = branch;
            if (branch == null) {
                if (!(repo.head() instanceof Head.OnBranch b))
                    throw new InvalidInputException("HEAD is detached; name the branch to push");
                local = target = b.branch();
            } else if (branch.contains(":")) {
                local = branch.substring(0, branch.indexOf(':'));
                target = branch.substring(branch.indexOf(':') + 1);
                if (local.isEmpty() || target.isEmpty())
                    throw new InvalidInputException("expected LOCAL:REMOTE, got '" + branch + "'");
            }
            Push.Result r = new Push(repo, remote).run(local, target, progress(json || transfer.quiet()));
            if (json) {
                printJson(object().put("remote", remoteName)
                        .put("branch", r.branch())
                        .put("remoteBranch", r.remoteBranch())
                        .put("commit", r.commit().hex())
                        .put(
                                "previous",
                                r.previous() == null ? null : r.previous().hex())
                        .put("upToDate", r.upToDate())
                        .put("objects", r.objects())
                        .put("packs", r.packs())
                        .put("packsResumed", r.packsResumed())
                        .put("bytesSent", r.bytesSent())
                        .put("requests", r.requests())
                        .put("seconds", r.seconds()));
            } else if (r.upToDate()) {
                out().printf(
                                Locale.ROOT,
                                "Everything up to date: %s/%s is at %s%n",
                                remoteName,
                                r.remoteBranch(),
                                r.commit().shortHex());
            } else {
                out().printf(
                                Locale.ROOT,
                                "Pushed %s to %s/%s: %s -> %s, %d objects in %d packs, %s sent in %.1f s (%s)%n",
                                r.branch(),
                                remoteName,
                                r.remoteBranch(),
                                r.previous() == null
                                        ? "(new branch)"
                                        : r.previous().shortHex(),
                                r.commit().shortHex(),
                                r.objects(),
                                r.packs(),
                                human(r.bytesSent()),
                                r.seconds(),
                                rate(r.bytesSent(), r.seconds()));
            }
        }
        return 0;
    }
}
