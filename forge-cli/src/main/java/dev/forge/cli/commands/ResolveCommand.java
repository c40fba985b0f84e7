package dev.forge.cli.commands;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.repo.Merge;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resolve", description = "Resolve merge conflicts by taking our or their version of each PATH.")
public final class ResolveCommand extends RepoCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH")
    List<String> paths;

    @Option(names = "--ours", description = "Keep our version.")
    boolean ours;

    @Option(names = "--theirs", description = "Take their version.")
    boolean theirs;

    @Override
    public Integer call() {
        if (ours == theirs) throw new InvalidInputException("choose one of --ours or --theirs");
        try (Repository repo = open()) {
            List<String> done = new Merge(repo).resolve(cwd(), paths, theirs, progress(false));
            int left = repo.mergeState().map(m -> m.conflicts().size()).orElse(0);
            out().printf(
                            Locale.ROOT,
                            "Resolved %d path(s) with %s; %d conflict(s) left%n",
                            done.size(),
                            theirs ? "theirs" : "ours",
                            left);
        }
        return 0;
    }
}
