package dev.forge.cli.commands.sparse;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A group of subcommands: run without one it is a usage error (exit 2), which picocli reports. */
@Command(
        addMethodSubcommands = false,
        name = "sparse",
        description = "Show or widen the paths a sparse clone keeps.",
        subcommands = {SparseAddCommand.class, SparseListCommand.class})
public final class SparseCommand {
    @Mixin
    CommonOptions common;
}
