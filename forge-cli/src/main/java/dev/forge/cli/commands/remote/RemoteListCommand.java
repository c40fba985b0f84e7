package dev.forge.cli.commands.remote;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.RemoteUrl;
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
        try (Repository repo = open()) {
            Map<String, String> remotes = new Remotes(repo).list();
            if (json) {
                ArrayNode a = array();
                remotes.forEach((n, u) -> a.addObject().put("name", n).put("url", RemoteUrl.redact(u)));
                printJson(a);
            } else {
                remotes.forEach((n, u) -> out().printf(Locale.ROOT, "%s\t%s%n", n, RemoteUrl.redact(u)));
            }
            remotes.forEach((n, u) -> {
                if (RemoteUrl.hasCredentials(u)) {
                    err().println("forge: remote '" + n + "' has credentials in its stored URL (an older forge kept"
                            + " them): re-add it without them ('forge remote remove " + n + "', 'forge remote add "
                            + n + " URL') and " + RemoteUrl.CREDENTIALS_HINT);
                }
            });
        }
        return 0;
    }
}
