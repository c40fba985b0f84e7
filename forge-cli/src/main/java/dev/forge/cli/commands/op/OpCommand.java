package dev.forge.cli.commands.op;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A group of subcommands: run without one it is a usage error (exit 2), which picocli reports. */
@Command(
        addMethodSubcommands = false,
        name = "op",
        description = "Inspect the operation log.",
        subcommands = {OpLogCommand.class})
public final class OpCommand {
    @Mixin
    CommonOptions common;
}
