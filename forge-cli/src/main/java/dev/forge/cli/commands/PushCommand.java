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
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
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

    @picocli.CommandLine.Option(
            names = "--tags",
            description = "Also send every tag; a tag the remote has at another commit is refused (exit 8).")
    boolean tags;

    @picocli.CommandLine.Option(
            names = "--force",
            description = "With --tags: move tags the remote has at other commits. Branches never move backwards.")
    boolean force;

    @picocli.CommandLine.Option(
            names = "--delete",
            paramLabel = "BRANCH",
            description = "Delete BRANCH on the remote (and its remote-tracking branch here).")
    String delete;

    @picocli.CommandLine.Option(
            names = "--no-mirrors",
            description = "Do not bring the remote's mirrors up to date ('forge mirror sync' does it later).")
    boolean noMirrors;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String remoteName = remoteArg.name();
        if (force && !tags)
            throw new InvalidInputException("--force only moves tags (with --tags); a branch never moves backwards");
        if (delete != null && (branch != null || tags))
            throw new InvalidInputException("--delete BRANCH takes no other branch and no --tags");
        Refspec given = branch == null ? null : Refspec.parse(branch); // a bad one fails before the remote is opened
        prePush(out, remoteName, given);
        try (Repository repo = common.open();
                Remote remote = new Remotes(repo).open(remoteName, remoteArg.options(remoteName, out, repo.config()))) {
            if (delete != null) return deleteBranch(repo, remote, remoteName, out);
            Push.TagResult tagResult = null;
            if (tags) {
                tagResult = new Push(repo, remote).pushTags(force, out.progress());
                if (!out.json()) printTags(out, remoteName, tagResult);
            }
            Refspec refspec = given != null ? given : Refspec.of(currentBranch(repo));
            Push.Result r = new Push(repo, remote)
                    .lockMainline(LockSettings.mainline(repo))
                    .run(refspec.local(), refspec.remote(), out.progress());
            for (var b : r.brokenLocks()) out.warn(LocksCommand.brokenText(remoteName, b));
            // The primary is done; its mirrors follow. A failing mirror is a warning, never the push's failure.
            var mirrors = noMirrors
                    ? List.<dev.forge.mirror.Mirrors.Mirror>of()
                    : new dev.forge.mirror.Mirrors(repo).of(remoteName);
            List<dev.forge.mirror.MirrorSync.Report> mirrored = new dev.forge.mirror.MirrorSync(
                            repo, name -> new Remotes(repo).open(name, remoteArg.options(name, out, repo.config())))
                    .tags(tags)
                    .sync(mirrors, java.util.Map.of(r.remoteBranch(), r.commit()));
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
                        .put("bytesResumed", r.bytesResumed())
                        .put("bytesSent", r.bytesSent())
                        .put("requests", r.requests())
                        .put("seconds", r.seconds())
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("brokenLocks", brokenLocks(r))
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                "tags", tagResult == null ? null : tagsJson(tagResult))
                        .set("mirrors", dev.forge.cli.commands.mirror.MirrorReports.json(mirrored)));
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
            if (!out.json()) dev.forge.cli.commands.mirror.MirrorReports.print(out, mirrored);
            else
                mirrored.stream()
                        .filter(m -> !m.ok())
                        .forEach(m -> out.warn("mirror " + m.mirror() + " not updated: " + m.error()));
            if (tagResult != null && !tagResult.refused().isEmpty()) {
                throw new dev.forge.core.error.NonFastForwardException(
                        "push rejected: " + (tagResult.refused().size() == 1 ? "tag " : "tags ")
                                + String.join(", ", tagResult.refused())
                                + (tagResult.refused().size() == 1 ? " exists" : " exist") + " on " + remoteName
                                + " at another commit; a tag never moves on a remote: 'forge push --tags --force'"
                                + " moves it",
                        null,
                        null);
            }
        }
        return 0;
    }

    /**
     * The pre-push hook, as git's: arguments REMOTE and its URL, and on stdin one line per ref to update,
     * {@code LOCAL_REF LOCAL_ID REMOTE_REF REMOTE_ID} (64 zeros for none). It runs before the repository
     * is opened for the push (so it may run forge), after a read-only look at both sides.
     */
    private void prePush(Output out, String remoteName, Refspec given) {
        var root = Hooks.root(common.cwd());
        if (root.isEmpty() || Hooks.find(root.get(), Hooks.PRE_PUSH).isEmpty()) return;
        String zero = CheckoutCommand.ZERO;
        StringBuilder lines = new StringBuilder();
        String url;
        try (Repository repo = common.open(dev.forge.core.port.LocalStoreFactory.Mode.READ);
                Remote remote = new Remotes(repo).open(remoteName, remoteArg.options(remoteName, out, repo.config()))) {
            url = dev.forge.mirror.RemoteUrl.redact(repo.remotes().get(remoteName));
            if (delete != null) {
                String there =
                        Push.remoteBranch(remote, delete).map(id -> id.hex()).orElse(zero);
                lines.append("(delete) ")
                        .append(zero)
                        .append(" refs/heads/")
                        .append(delete)
                        .append(' ')
                        .append(there)
                        .append('\n');
            } else {
                if (tags) {
                    var remoteTags = Push.remoteTags(remote);
                    repo.refs(dev.forge.core.model.RefNames.TAGS).forEach((ref, id) -> {
                        String t = ref.substring(dev.forge.core.model.RefNames.TAGS.length());
                        var there = remoteTags.get(t);
                        if (id.equals(there)) return;
                        lines.append(ref)
                                .append(' ')
                                .append(id.hex())
                                .append(' ')
                                .append(ref)
                                .append(' ')
                                .append(there == null ? zero : there.hex())
                                .append('\n');
                    });
                }
                Refspec refspec = given != null ? given : Refspec.of(currentBranch(repo));
                String local = dev.forge.core.model.RefNames.branch(refspec.local());
                String id = repo.ref(local).map(x -> x.hex()).orElse(zero);
                String there = Push.remoteBranch(remote, refspec.remote())
                        .map(x -> x.hex())
                        .orElse(zero);
                lines.append(local)
                        .append(' ')
                        .append(id)
                        .append(' ')
                        .append(dev.forge.core.model.RefNames.branch(refspec.remote()))
                        .append(' ')
                        .append(there)
                        .append('\n');
            }
        }
        Hooks.run(root.get(), Hooks.PRE_PUSH, List.of(remoteName, url), lines.toString(), out, "nothing was pushed");
    }

    private int deleteBranch(Repository repo, Remote remote, String remoteName, Output out) {
        var was = new Push(repo, remote).deleteBranch(delete);
        if (out.json()) {
            out.json(object().put("remote", remoteName).put("deleted", delete).put("commit", was.hex()));
        } else {
            out.info("Deleted %s/%s (was %s)%n", remoteName, delete, was.shortHex());
        }
        return 0;
    }

    private static void printTags(Output out, String remoteName, Push.TagResult t) {
        for (String x : t.created()) out.info("  %s: new tag %s%n", remoteName, x);
        for (String x : t.moved()) out.info("  %s: moved tag %s (forced)%n", remoteName, x);
        // refused tags: the command's error names them, once the rest is done
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode tagsJson(Push.TagResult t) {
        var n = object();
        t.created().forEach(n.putArray("created")::add);
        t.moved().forEach(n.putArray("moved")::add);
        t.upToDate().forEach(n.putArray("upToDate")::add);
        t.refused().forEach(n.putArray("refused")::add);
        return n;
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
