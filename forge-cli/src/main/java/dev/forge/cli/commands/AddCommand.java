package dev.forge.cli.commands;

import dev.forge.core.repo.Add;
import dev.forge.core.repo.Repository;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "add", description = "Stage files for the next commit (directories recursively, minus .forgeignore).")
public final class AddCommand extends RepoCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to add.")
    List<String> paths;

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Repository repo = open()) {
            Add.Result r = new Add(repo).run(cwd(), paths, progress(json));
            if (json) {
                printJson(object().put("files", r.files())
                        .put("filesRead", r.read())
                        .put("bytes", r.bytes())
                        .put("bytesRead", r.bytesRead())
                        .put("removed", r.removed())
                        .put("seconds", r.seconds()));
            } else {
                out().printf(
                                Locale.ROOT,
                                "Added %d file%s (%s; read %d, %s at %s)%s%n",
                                r.files(),
                                r.files() == 1 ? "" : "s",
                                human(r.bytes()),
                                r.read(),
                                human(r.bytesRead()),
                                rate(r.bytesRead(), r.seconds()),
                                r.removed() > 0 ? ", " + r.removed() + " removed" : "");
            }
        }
        return 0;
    }
}
