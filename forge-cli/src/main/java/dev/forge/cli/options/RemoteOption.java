package dev.forge.cli.options;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --remote NAME} and {@code -j N}: the remote of a command that talks to one, other than push,
 * fetch, pull and clone (which take it, or the URL, as their first argument: {@link RemoteArgument}).
 */
public final class RemoteOption {
    @Mixin
    TransferOptions transfer;

    @Option(names = "--remote", paramLabel = "NAME", description = "The remote to use (default origin).")
    String name = RemoteArgument.DEFAULT;

    public String name() {
        return name;
    }

    public int jobs() {
        return transfer.jobs();
    }

    /** Opens the named remote of {@code repo} as {@link #options} says. */
    public dev.forge.mirror.Remote open(dev.forge.core.repo.Repository repo, dev.forge.cli.Output out) {
        return new dev.forge.mirror.Remotes(repo).open(name, options(name, out, repo.config()));
    }

    /** How to talk to the remote: {@code -j}, deadlines and retry notices (see {@link TransferOptions#options}). */
    public dev.forge.mirror.RemoteOptions options(
            String remote, dev.forge.cli.Output out, dev.forge.core.port.RepoConfig config) {
        return transfer.options(remote, out, config);
    }
}
