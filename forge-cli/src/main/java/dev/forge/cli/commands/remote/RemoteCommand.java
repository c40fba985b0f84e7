package dev.forge.cli.commands.remote;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A group of subcommands: run without one it is a usage error (exit 2), which picocli reports. */
@Command(
        addMethodSubcommands = false,
        name = "remote",
        description = "Manage the remotes this repository pushes to and fetches from.",
        subcommands = {RemoteAddCommand.class, RemoteRemoveCommand.class, RemoteListCommand.class})
public final class RemoteCommand {
    @Mixin
    CommonOptions common;
}
