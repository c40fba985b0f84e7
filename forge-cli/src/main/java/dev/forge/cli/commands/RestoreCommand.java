package dev.forge.cli.commands;

import dev.forge.core.repo.Checkout;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", description = "Put back files in the work tree from the stage, or from --source REV.")
public final class RestoreCommand extends RepoCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to restore.")
    List<String> paths;

    @Option(
            names = {"-s", "--source"},
            paramLabel = "REV",
            description = "Take the files from this commit instead of the stage.")
    String source;

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            Checkout.Result r = new Checkout(repo).restore(cwd(), paths, source, progress(json));
            if (json) printJson(object().put("filesWritten", r.written()).put("bytesWritten", r.bytes()));
            else
                out().printf(
                                Locale.ROOT,
                                "Restored %d file%s (%s)%n",
                                r.written(),
                                r.written() == 1 ? "" : "s",
                                human(r.bytes()));
        }
        return 0;
    }
}
