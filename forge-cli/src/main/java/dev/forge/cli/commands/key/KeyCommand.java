package dev.forge.cli.commands.key;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code forge key}: who can open an encrypted remote (docs/cli.md, "Encrypted remotes"). */
@Command(
        addMethodSubcommands = false,
        name = "key",
        description = {
            "Add or list who can open an encrypted remote.",
            "Its repository key is wrapped to each member's age public key; adding one re-encrypts no data."
        },
        subcommands = {KeyAddCommand.class, KeyListCommand.class})
public final class KeyCommand {
    @Mixin
    CommonOptions common;
}
