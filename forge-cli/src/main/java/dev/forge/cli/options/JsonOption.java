package dev.forge.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code --json}: the command prints one JSON document on stdout instead of text (docs/cli.md gives
 * each command's fields), and errors as one JSON line on stderr.
 */
public final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON (fields in docs/cli.md).")
    boolean enabled;

    /** The option as given, without a picocli model ({@link dev.forge.cli.QuickCommands}). */
    public static JsonOption of(boolean enabled) {
        JsonOption j = new JsonOption();
        j.enabled = enabled;
        return j;
    }

    public boolean enabled() {
        return enabled;
    }
}
