package dev.forge.cli.commands;

import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "checkout",
        description = {
            "Make the work tree match REV and move HEAD there (a branch name keeps HEAD on the branch).",
            "With --into DIR, write REV's files into an empty folder instead; HEAD does not move."
        })
public final class CheckoutCommand extends RepoCommand {
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

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open(into != null ? Mode.READ : Mode.WRITE)) {
            Checkout.Result r = into != null
                    ? new Checkout(repo).into(rev, cwd().resolve(into), progress(json))
                    : new Checkout(repo).run(rev, force, progress(json));
            if (json) {
                printJson(object().put("commit", r.commit().hex())
                        .put("branch", r.branch())
                        .put("filesWritten", r.written())
                        .put("filesRemoved", r.removed())
                        .put("bytesWritten", r.bytes())
                        .put("seconds", r.seconds()));
            } else if (into != null) {
                out().printf(
                                Locale.ROOT,
                                "Wrote %d files (%s) of %s into %s (%s)%n",
                                r.written(),
                                human(r.bytes()),
                                r.commit().shortHex(),
                                cwd().resolve(into).normalize(),
                                rate(r.bytes(), r.seconds()));
            } else {
                out().printf(
                                Locale.ROOT,
                                "%s %s: %d written, %d removed (%s)%n",
                                r.branch() != null ? "Switched to branch " + r.branch() : "HEAD is now at",
                                r.commit().shortHex(),
                                r.written(),
                                r.removed(),
                                human(r.bytes()));
            }
        }
        return 0;
    }
}
