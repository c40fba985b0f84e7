package dev.forge.cli.commands.remote;

import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remotes;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "remove",
        aliases = "rm",
        description = "Forget a remote and its remote-tracking branches (the remote itself is not touched).")
public final class RemoteRemoveCommand extends RepoCommand {
    @Parameters(paramLabel = "NAME", description = "The remote's name.")
    String name;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            new Remotes(repo).remove(name);
            if (json) printJson(object().put("removed", name));
            else out().printf(Locale.ROOT, "Removed remote %s%n", name);
        }
        return 0;
    }
}
