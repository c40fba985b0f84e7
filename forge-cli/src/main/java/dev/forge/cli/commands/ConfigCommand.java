package dev.forge.cli.commands;

import dev.forge.cli.options.CommonOptions;
import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "config",
        description = {
            "Read or set a repository setting.",
            "Settings: compression = auto|fast|balanced|max|none,",
            "gc.graceDays = days that operation-log entries keep what they name from gc (default 14)"
        })
public final class ConfigCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "KEY", description = "The setting (compression).")
    String key;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "VALUE",
            description = "The new value; omit to print the current one.")
    String value;

    private Integer graceDays() {
        try (Repository repo = common.open()) {
            if (value == null) {
                common.output().println(String.valueOf(repo.config().gcGraceDays()));
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
        try (Repository repo = common.open()) {
            if (value == null) {
                common.output().println(repo.config().compression().name().toLowerCase());
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
