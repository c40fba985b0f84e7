package dev.forge.cli.commands.remote;

import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remotes;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "add",
        description = {
            "Add a remote: a folder or NAS mount (PATH, file:///PATH), s3://BUCKET/PREFIX",
            "[?endpoint=URL&region=R&path-style=true] or r2://ACCOUNT_ID/BUCKET/PREFIX.",
            "Credentials come from FORGE_S3_ACCESS_KEY_ID/FORGE_S3_SECRET_ACCESS_KEY or the AWS default chain, never the URL."
        })
public final class RemoteAddCommand extends RepoCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The remote's name, e.g. origin.")
    String name;

    @Parameters(index = "1", paramLabel = "URL", description = "Where it is.")
    String url;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            String stored = new Remotes(repo).add(name, url, cwd());
            if (json) printJson(object().put("name", name).put("url", stored));
            else out().printf(Locale.ROOT, "Added remote %s: %s%n", name, stored);
        }
        return 0;
    }
}
