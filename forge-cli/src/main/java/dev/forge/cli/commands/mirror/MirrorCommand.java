package dev.forge.cli.commands.mirror;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A group of subcommands: run without one it is a usage error (exit 2), which picocli reports. */
@Command(
        addMethodSubcommands = false,
        name = "mirror",
        description = {
            "Manage mirrors, which every push to their remote also updates.",
            "A mirror may take only some files' contents (--only video,*.exr); commits, trees and",
            "chunk lists go to every mirror."
        },
        subcommands = {
            MirrorAddCommand.class,
            MirrorListCommand.class,
            MirrorRemoveCommand.class,
            MirrorRestoreCommand.class,
            MirrorStatusCommand.class,
            MirrorSyncCommand.class,
            MirrorVerifyCommand.class
        })
public final class MirrorCommand {
    @Mixin
    CommonOptions common;
}
