package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "switch",
        description = {
            "Switch to BRANCH; the work tree and the stage follow.",
            "With -c, create BRANCH at HEAD first (the work tree does not change)."
        })
public final class SwitchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

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

    @Override
    public Integer call() {
        Output out = common.output(json);
        String previous;
        String now;
        try (Repository repo = common.open()) {
            previous = repo.headCommit().map(id -> id.hex()).orElse(CheckoutCommand.ZERO);
            Checkout.Result r = new Branches(repo).switchTo(branch, create, force, out.progress());
            LockFiles.afterCheckout(repo, out);
            now = r.commit() == null ? CheckoutCommand.ZERO : r.commit().hex();
            if (out.json()) {
                var n = object().put("branch", branch)
                        .put("commit", r.commit() == null ? null : r.commit().hex())
                        .put("filesWritten", r.written())
                        .put("filesRemoved", r.removed());
                var d = n.putArray("discarded");
                r.discarded().forEach(d::add);
                out.json(n);
            } else {
                if (!r.discarded().isEmpty()) {
                    out.warn(String.format(
                            java.util.Locale.ROOT,
                            "discarded uncommitted changes in %d file(s): %s",
                            r.discarded().size(),
                            String.join(
                                    ", ",
                                    r.discarded().stream()
                                            .map(dev.forge.core.model.PathText::quote)
                                            .toList())));
                }
                out.info(
                        create
                                ? "Switched to a new branch '%s'%n"
                                : "Switched to branch '%s' (%d written, %d removed)%n",
                        branch,
                        r.written(),
                        r.removed());
            }
        }
        CheckoutCommand.postCheckout(common.cwd(), previous, now, out);
        return 0;
    }
}
