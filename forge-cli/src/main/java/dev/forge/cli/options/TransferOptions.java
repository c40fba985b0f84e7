package dev.forge.cli.options;

import dev.forge.core.error.InvalidInputException;
import dev.forge.mirror.Remote;
import picocli.CommandLine.Option;

/** {@code -j/--jobs N}: how many transfers a command that talks to a remote keeps in flight. */
public final class TransferOptions {
    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Transfers in flight (default 8; ranged reads use twice as many).")
    int jobs = Remote.DEFAULT_PARALLELISM;

    public int jobs() {
        if (jobs < 1) throw new InvalidInputException("--jobs must be at least 1, got " + jobs);
        return jobs;
    }
}
