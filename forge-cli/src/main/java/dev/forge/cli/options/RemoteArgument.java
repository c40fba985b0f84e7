package dev.forge.cli.options;

import picocli.CommandLine.Parameters;

/** The optional first argument {@code REMOTE} of push, fetch and pull (default {@value #DEFAULT}). */
public final class RemoteArgument {
    public static final String DEFAULT = "origin";

    @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE", description = "Remote name (default origin).")
    String name = DEFAULT;

    public String name() {
        return name;
    }
}
