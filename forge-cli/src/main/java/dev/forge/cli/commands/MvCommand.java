package dev.forge.cli.commands;

import dev.forge.core.repo.PathOps;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "mv", description = "Rename or move a tracked file or directory (into NEW if NEW is a directory).")
public final class MvCommand extends RepoCommand {
    @Parameters(index = "0", paramLabel = "OLD")
    String from;

    @Parameters(index = "1", paramLabel = "NEW")
    String to;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            List<String> moved = new PathOps(repo).mv(cwd(), from, to);
            out().printf(Locale.ROOT, "Moved %d file%s%n", moved.size(), moved.size() == 1 ? "" : "s");
        }
        return 0;
    }
}
