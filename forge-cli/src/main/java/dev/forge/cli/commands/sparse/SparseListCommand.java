package dev.forge.cli.commands.sparse;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.SparsePaths;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "list",
        description = "List the paths this sparse clone keeps (nothing: it is not sparse).")
public final class SparseListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open(Mode.READ)) {
            SparsePaths s = repo.sparse();
            if (out.json()) {
                var n = object().put("sparse", s.isSparse());
                var a = n.putArray("paths");
                s.paths().forEach(a::add);
                out.json(n);
            } else {
                s.paths().forEach(out::println);
            }
        }
        return 0;
    }
}
