package dev.forge.cli.commands.sparse;

import picocli.CommandLine.Command;

@Command(
        name = "sparse",
        description = "Show or widen the paths a sparse clone keeps.",
        subcommands = {SparseAddCommand.class, SparseListCommand.class})
public final class SparseCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
