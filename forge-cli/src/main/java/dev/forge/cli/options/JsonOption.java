package dev.forge.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code --json}: the command prints one JSON document on stdout instead of text (docs/cli.md gives
 * each command's fields), and errors as one JSON line on stderr.
 */
public final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON (fields in docs/cli.md).")
    boolean enabled;

    /** A copy mixed into {@code mixee} with its model built by hand ({@link dev.forge.cli.QuickCommands}). */
    public static JsonOption handBuilt(picocli.CommandLine.Model.CommandSpec mixee) {
        JsonOption j = new JsonOption();
        var s = picocli.CommandLine.Model.CommandSpec.wrapWithoutInspection(j);
        s.addOption(dev.forge.cli.QuickCommands.flag(() -> j.enabled, v -> j.enabled = (Boolean) v, "--json"));
        mixee.addMixin("json", s);
        return j;
    }

    public boolean enabled() {
        return enabled;
    }
}
