package dev.forge.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code --json}: the command prints one JSON document on stdout instead of text (docs/cli.md gives
 * each command's fields), and errors as one JSON line on stderr.
 */
public final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON (fields in docs/cli.md).")
    boolean enabled;

    public boolean enabled() {
        return enabled;
    }
}
