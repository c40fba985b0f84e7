package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.CommitOp;
import dev.forge.core.repo.Identity;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(addMethodSubcommands = false, name = "commit", description = "Record the staged files as a new commit.")
public final class CommitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Option(
            names = {"-m", "--message"},
            required = true,
            paramLabel = "MSG",
            description = "The commit message.")
    String message;

    @Option(
            names = "--author",
            paramLabel = "\"Name <mail>\"",
            description = "Author (default: $FORGE_AUTHOR, else user.name and user.email, else your login).")
    String author;

    @Option(names = "--allow-empty", description = "Commit even when nothing changed.")
    boolean allowEmpty;

    @Override
    public Integer call() {
        Output out = common.output(json);
        // Before the repository is opened: the hook may run forge itself.
        Hooks.root(common.cwd())
                .ifPresent(root ->
                        Hooks.run(root, Hooks.PRE_COMMIT, java.util.List.of(), "", out, "nothing was committed"));
        try (Repository repo = common.open()) {
            String who = author != null ? author : Identity.author(repo);
            CommitOp.Result r;
            try {
                r = new CommitOp(repo).run(message, who, allowEmpty);
            } catch (CommitOp.NothingToCommitException e) {
                if (out.json()) out.json(object().put("committed", false).put("reason", e.getMessage()));
                else out.println(e.getMessage());
                return 1;
            }
            warnOfLocks(repo, r, out);
            if (out.json()) {
                out.json(object().put("committed", true)
                        .put("commit", r.commit().hex())
                        .put("branch", r.branch())
                        .put("files", r.files())
                        .put("bytes", r.bytes())
                        .put("root", r.rootCommit()));
            } else {
                out.info(
                        "[%s%s %s] %s%n",
                        r.branch() == null ? "detached" : r.branch(),
                        r.rootCommit() ? " (root-commit)" : "",
                        r.commit().shortHex(),
                        firstLine(message));
                out.info(" %d file%s, %s%n", r.files(), r.files() == 1 ? "" : "s", human(r.bytes()));
            }
        }
        return 0;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** {@code forge commit} warns when the commit changes lockable files that someone else has locked. */
    private static void warnOfLocks(Repository repo, CommitOp.Result r, Output out) {
        if (!dev.forge.core.repo.Lockable.of(repo).any()) return;
        var objects = repo.objects();
        var commit = objects.commit(r.commit());
        var parentTree = commit.parents().isEmpty()
                ? null
                : objects.commit(commit.parents().getFirst()).tree();
        java.util.Set<String> changed = new java.util.TreeSet<>();
        dev.forge.mirror.FileLocks.changedPaths(objects, parentTree, commit.tree(), "", changed);
        LockFiles.lockedByOthers(repo, changed, out)
                .forEach((p, l) -> out.warn(dev.forge.core.model.PathText.quote(p) + " is locked by " + l.describe()
                        + " on origin: a push of this commit will be refused (exit 9) until it is unlocked"));
    }
}
