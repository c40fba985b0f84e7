package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;
import static dev.forge.cli.Units.rate;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteArgument;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.Head;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Push;
import dev.forge.mirror.Refspec;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "push",
        description = {
            "Send a branch to a remote, uploading only what the remote lacks.",
            "Then the remote's branch moves, with a conditional write.",
            "Refused (exit 8) if the remote's branch has commits you do not have: pull first."
        })
public final class PushCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteArgument remoteArg;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "BRANCH",
            description = "Branch to push (default: the current one); LOCAL:REMOTE pushes under another name.")
    String branch;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String remoteName = remoteArg.name();
        Refspec given = branch == null ? null : Refspec.parse(branch); // a bad one fails before the remote is opened
        try (Repository repo = common.open();
                Remote remote = new Remotes(repo).open(remoteName, remoteArg.options(remoteName, out, repo.config()))) {
            Refspec refspec = given != null ? given : Refspec.of(currentBranch(repo));
            Push.Result r = new Push(repo, remote)
                    .lockMainline(LockSettings.mainline(repo))
                    .run(refspec.local(), refspec.remote(), out.progress());
            for (var b : r.brokenLocks()) out.warn(LocksCommand.brokenText(remoteName, b));
            if (out.json()) {
                out.json(object().put("remote", remoteName)
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
                        .put("seconds", r.seconds())
                        .set("brokenLocks", brokenLocks(r)));
            } else if (r.upToDate()) {
                out.info(
                        "Everything up to date: %s/%s is at %s%n",
                        remoteName, r.remoteBranch(), r.commit().shortHex());
            } else {
                out.info(
                        "Pushed %s to %s/%s: %s -> %s, %d objects in %d packs, %s sent in %.1f s (%s)%n",
                        r.branch(),
                        remoteName,
                        r.remoteBranch(),
                        r.previous() == null ? "(new branch)" : r.previous().shortHex(),
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

    private static com.fasterxml.jackson.databind.node.ArrayNode brokenLocks(Push.Result r) {
        var a = dev.forge.cli.Json.array();
        for (var b : r.brokenLocks()) a.add(LocksCommand.brokenJson(b));
        return a;
    }

    private static String currentBranch(Repository repo) {
        if (repo.head() instanceof Head.OnBranch b) return b.branch();
        throw new InvalidInputException("HEAD is detached; name the branch to push");
    }
}
