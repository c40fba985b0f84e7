package dev.forge.cli.commands.auth;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code forge auth}: the user's API tokens for GitHub, Google Drive and Dropbox remotes (docs/cli.md). */
@Command(
        addMethodSubcommands = false,
        name = "auth",
        description = {
            "Log in to a storage provider, show or remove the saved tokens.",
            "Tokens are kept per provider and API host, encrypted (age) in ~/.config/forge;",
            "FORGE_GITHUB_TOKEN, GITHUB_TOKEN (api.github.com only), FORGE_GDRIVE_TOKEN,",
            "FORGE_DROPBOX_TOKEN and FORGE_YOUTUBE_TOKEN take precedence. FORGE_PASSPHRASE",
            "encrypts with a passphrase."
        },
        subcommands = {AuthLoginCommand.class, AuthStatusCommand.class, AuthLogoutCommand.class})
public final class AuthCommand {
    @Mixin
    CommonOptions common;
}
