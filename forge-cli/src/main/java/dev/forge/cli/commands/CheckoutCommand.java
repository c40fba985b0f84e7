package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;
import static dev.forge.cli.Units.rate;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "checkout",
        description = {
            "Move HEAD and the work tree to REV, or write REV into a folder.",
            "A branch name keeps HEAD on the branch; anything else detaches it.",
            "With --into DIR, REV's files are written into an empty or new folder and HEAD does not move."
        })
public final class CheckoutCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "REV", description = "Branch, tag, commit id (or unique prefix), HEAD~N.")
    String rev;

    @Option(
            names = "--into",
            paramLabel = "DIR",
            description = "Write the files into DIR (empty or new) instead of the work tree.")
    Path into;

    @Option(
            names = {"-f", "--force"},
            description = "Discard uncommitted changes that the checkout would overwrite.")
    boolean force;

    @Override
    public Integer call() {
        Output out = common.output(json);
        String previous = null;
        String now = null;
        java.util.List<String> purged = java.util.List.of();
        try (Repository repo = common.open(into != null ? Mode.READ : Mode.WRITE)) {
            previous = repo.headCommit().map(id -> id.hex()).orElse(ZERO);
            Checkout.Result r = into != null
                    ? new Checkout(repo).into(rev, common.cwd().resolve(into), out.progress())
                    : new Checkout(repo).run(rev, force, out.progress());
            if (into == null) LockFiles.afterCheckout(repo, out);
            now = r.commit().hex();
            purged = r.purged();
            if (out.json()) {
                var n = object().put("commit", r.commit().hex())
                        .put("branch", r.branch())
                        .put("filesWritten", r.written())
                        .put("filesRemoved", r.removed())
                        .put("bytesWritten", r.bytes())
                        .put("seconds", r.seconds());
                r.purged().forEach(n.putArray("purged")::add);
                out.json(n);
            } else if (into != null) {
                out.info(
                        "Wrote %d files (%s) of %s into %s (%s)%n",
                        r.written(),
                        human(r.bytes()),
                        r.commit().shortHex(),
                        common.cwd().resolve(into).normalize(),
                        rate(r.bytes(), r.seconds()));
            } else {
                out.info(
                        "%s %s: %d written, %d removed (%s)%n",
                        r.branch() != null ? "Switched to branch " + r.branch() : "HEAD is now at",
                        r.commit().shortHex(),
                        r.written(),
                        r.removed(),
                        human(r.bytes()));
            }
        }
        if (into == null) postCheckout(common.cwd(), previous, now, out);
        if (!purged.isEmpty()) {
            // Everything else is written; these versions' contents were purged (fsck lists why).
            throw new dev.forge.core.error.PartialResultException(
                    "checked out; " + purged.size() + " file" + (purged.size() == 1 ? " was" : "s were")
                            + " purged by the retention policy or obliterated and not written",
                    purged);
        }
        return 0;
    }

    static final String ZERO = "0".repeat(64);

    /** The post-checkout hook, as git's: previous HEAD, new HEAD, 1 (a branch checkout). */
    static void postCheckout(java.nio.file.Path cwd, String previous, String now, Output out) {
        Hooks.root(cwd)
                .ifPresent(root -> Hooks.run(
                        root,
                        Hooks.POST_CHECKOUT,
                        java.util.List.of(previous, now == null ? ZERO : now, "1"),
                        "",
                        out,
                        "the checkout itself is done"));
    }
}
