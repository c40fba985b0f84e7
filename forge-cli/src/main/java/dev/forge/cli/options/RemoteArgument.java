package dev.forge.cli.options;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The remote of push, fetch and pull: their optional first argument {@code REMOTE} (default
 * {@value #DEFAULT}), and {@code -j N}.
 */
public final class RemoteArgument {
    public static final String DEFAULT = "origin";

    @Mixin
    TransferOptions transfer;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE", description = "Remote name (default origin).")
    String name = DEFAULT;

    public String name() {
        return name;
    }

    public int jobs() {
        return transfer.jobs();
    }

    /** How to talk to the remote: {@code -j}, deadlines and retry notices (see {@link TransferOptions#options}). */
    public dev.forge.mirror.RemoteOptions options(
            String remote, dev.forge.cli.Output out, dev.forge.core.port.RepoConfig config) {
        return transfer.options(remote, out, config);
    }
}
