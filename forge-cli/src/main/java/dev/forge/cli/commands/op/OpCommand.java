package dev.forge.cli.commands.op;

import picocli.CommandLine.Command;

@Command(
        name = "op",
        description = "The operation log.",
        subcommands = {OpLogCommand.class})
public final class OpCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
