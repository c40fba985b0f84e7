package dev.forge.cli.commands.imports;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A group of subcommands: run without one it is a usage error (exit 2), which picocli reports. */
@Command(
        addMethodSubcommands = false,
        name = "import",
        description = "Import history from git and Git LFS.",
        subcommands = {ImportGitCommand.class, ImportMapCommand.class})
public final class ImportCommand {
    @Mixin
    CommonOptions common;
}
