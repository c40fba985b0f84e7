package dev.forge.cli.commands.sparse;

import static dev.forge.cli.Json.object;
import static dev.forge.cli.Units.human;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remote;
import dev.forge.mirror.SparseAdd;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "add",
        description = {
            "Fetch the files under PATH at HEAD into the work tree.",
            "PATHs are relative to the repository root; the sparse clone keeps them from now on."
        })
public final class SparseAddCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remoteOption;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Folders or files, relative to the repository root.")
    List<String> paths;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open();
                Remote remote = remoteOption.open(repo, out)) {
            SparseAdd.Result r = new SparseAdd(repo, remote).run(paths, out.progress());
            if (out.json()) {
                var n = object().put("bytesReceived", r.bytesReceived())
                        .put("filesWritten", r.filesWritten())
                        .put("bytesWritten", r.bytesWritten());
                var a = n.putArray("paths");
                r.paths().paths().forEach(a::add);
                out.json(n);
            } else {
                out.info(
                        "Sparse paths: %s; wrote %d files (%s)%n",
                        String.join(", ", r.paths().paths()), r.filesWritten(), human(r.bytesWritten()));
            }
        }
        return 0;
    }
}
