package dev.forge.cli.commands;

import dev.forge.core.repo.PathOps;
import dev.forge.core.repo.Repository;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rm", description = "Stop tracking files (and delete them, unless --cached).")
public final class RmCommand extends RepoCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH")
    List<String> paths;

    @Option(names = "--cached", description = "Keep the files in the work tree.")
    boolean cached;

    @Option(
            names = {"-f", "--force"},
            description = "Delete files even when they have unstaged changes.")
    boolean force;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            List<String> removed = new PathOps(repo).rm(cwd(), paths, cached, force);
            for (String p : removed) out().println("rm '" + dev.forge.core.model.PathText.quote(p) + "'");
        }
        return 0;
    }
}
