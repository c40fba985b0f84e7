package dev.forge.cli.commands.remote;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remotes;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", aliases = "ls", description = "List the remotes: name and URL.")
public final class RemoteListCommand extends RepoCommand {
    @Option(names = "--json", description = "Print as JSON: [{\"name\", \"url\"}].")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open(Mode.READ)) {
            Map<String, String> remotes = new Remotes(repo).list();
            if (json) {
                ArrayNode a = array();
                remotes.forEach((n, u) -> a.addObject().put("name", n).put("url", u));
                printJson(a);
            } else {
                remotes.forEach((n, u) -> out().printf(Locale.ROOT, "%s\t%s%n", n, u));
            }
        }
        return 0;
    }
}
