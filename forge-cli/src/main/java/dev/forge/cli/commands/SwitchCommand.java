package dev.forge.cli.commands;

import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "switch", description = "Switch to BRANCH (work tree and stage follow), or create it at HEAD with -c.")
public final class SwitchCommand extends RepoCommand {
    @Parameters(paramLabel = "BRANCH")
    String branch;

    @Option(
            names = {"-c", "--create"},
            description = "Create BRANCH at HEAD and switch to it.")
    boolean create;

    @Option(
            names = {"-f", "--force"},
            description = "Discard uncommitted changes that the switch would overwrite.")
    boolean force;

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            Checkout.Result r = new Branches(repo).switchTo(branch, create, force, progress(json));
            if (json) {
                var n = object().put("branch", branch)
                        .put("commit", r.commit() == null ? null : r.commit().hex())
                        .put("filesWritten", r.written())
                        .put("filesRemoved", r.removed());
                var d = n.putArray("discarded");
                r.discarded().forEach(d::add);
                printJson(n);
                return 0;
            }
            if (!r.discarded().isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                Locale.ROOT,
                                "forge: discarded uncommitted changes in %d file(s): %s%n",
                                r.discarded().size(),
                                String.join(", ", r.discarded()));
            }
            out().printf(
                            Locale.ROOT,
                            create
                                    ? "Switched to a new branch '%s'%n"
                                    : "Switched to branch '%s' (%d written, %d removed)%n",
                            branch,
                            r.written(),
                            r.removed());
        }
        return 0;
    }
}
