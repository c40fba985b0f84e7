package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Prefetch;
import dev.forge.mirror.Remote;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "prefetch",
        description = {
            "Download ahead of need the files under PATH at a commit.",
            "Fetches only what this clone lacks (a sparse clone's other paths, say), so that a later",
            "checkout --into, show or restore reads local disk; the work tree is not touched."
        })
public final class PrefetchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remoteOption;

    @Option(names = "--rev", paramLabel = "REV", description = "The commit whose files to fetch (default HEAD).")
    String rev = "HEAD";

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Folders or files, relative to the repository root.")
    List<String> paths;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open();
                Remote remote = remoteOption.open(repo, out)) {
            Prefetch.Result r = new Prefetch(repo, remote).run(rev, paths, out.progress());
            if (out.json()) {
                out.json(object().put("commit", r.commit().hex())
                        .put("files", r.files())
                        .put("bytesReceived", r.bytesReceived()));
            } else {
                out.info(
                        "%d files under %s at %s are here (%s received)%n",
                        r.files(), String.join(", ", paths), rev, human(r.bytesReceived()));
            }
        }
        return 0;
    }
}
