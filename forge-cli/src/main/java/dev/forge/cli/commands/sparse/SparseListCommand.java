package dev.forge.cli.commands.sparse;

import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.SparsePaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List the paths this sparse clone keeps (nothing: it is not sparse).")
public final class SparseListCommand extends RepoCommand {
    @Option(names = "--json", description = "Print as JSON: {\"sparse\", \"paths\": [...]}.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open(Mode.READ)) {
            SparsePaths s = repo.sparse();
            if (json) {
                var n = object().put("sparse", s.isSparse());
                var a = n.putArray("paths");
                s.paths().forEach(a::add);
                printJson(n);
            } else {
                s.paths().forEach(out()::println);
            }
        }
        return 0;
    }
}
