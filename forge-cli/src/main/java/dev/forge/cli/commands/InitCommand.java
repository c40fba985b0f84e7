package dev.forge.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Repository;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "init", description = "Create an empty repository in DIR (default: the current directory).")
public final class InitCommand extends RepoCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Where to create it.")
    Path dir;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Path target = dir == null ? cwd() : cwd().resolve(dir).normalize();
        try (Repository repo = Repository.init(STORES, target, RepoConfig.defaults())) {
            if (json) {
                ObjectNode n = object().put("path", repo.root().toString()).put("branch", repo.describeHead());
                n.putObject("chunking")
                        .put("min", repo.config().chunking().minSize())
                        .put("avg", repo.config().chunking().avgSize())
                        .put("max", repo.config().chunking().maxSize());
                n.put("compression", repo.config().compression().name().toLowerCase(Locale.ROOT));
                printJson(n);
            } else {
                out().println("Initialized empty forge repository in "
                        + repo.root().resolve(".forge"));
            }
        }
        return 0;
    }
}
