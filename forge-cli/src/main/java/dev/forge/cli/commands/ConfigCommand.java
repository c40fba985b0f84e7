package dev.forge.cli.commands;

import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "config",
        description = {
            "Read or set a repository setting.",
            "Settings: compression = auto|fast|balanced|max|none,",
            "gc.graceDays = days that operation-log entries keep what they name from gc (default 14)"
        })
public final class ConfigCommand extends RepoCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The setting (compression).")
    String key;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "VALUE",
            description = "The new value; omit to print the current one.")
    String value;

    private Integer graceDays() {
        try (Repository repo = open(value == null ? Mode.READ : Mode.WRITE)) {
            if (value == null) {
                out().println(repo.config().gcGraceDays());
            } else {
                try {
                    repo.setGcGraceDays(Integer.parseInt(value.trim()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException(
                            "gc.graceDays must be a whole number of days >= 0, got '" + value + "'");
                }
            }
        }
        return 0;
    }

    @Override
    public Integer call() {
        if (key.equals("gc.graceDays")) return graceDays();
        if (!key.equals("compression"))
            throw new InvalidInputException("unknown setting '" + key + "' (known: compression, gc.graceDays)");
        try (Repository repo = open(value == null ? Mode.READ : Mode.WRITE)) {
            if (value == null) {
                out().println(repo.config().compression().name().toLowerCase(Locale.ROOT));
            } else {
                CompressionPolicy p;
                try {
                    p = CompressionPolicy.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException(e.getMessage());
                }
                repo.setCompression(p);
            }
        }
        return 0;
    }
}
