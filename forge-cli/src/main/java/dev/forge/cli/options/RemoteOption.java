package dev.forge.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code --remote NAME}: the remote of a command that talks to one, other than push, fetch, pull and
 * clone (which take it, or the URL, as their first argument: {@link RemoteArgument}).
 */
public final class RemoteOption {
    @Option(names = "--remote", paramLabel = "NAME", description = "The remote to use (default origin).")
    String name = RemoteArgument.DEFAULT;

    public String name() {
        return name;
    }
}
