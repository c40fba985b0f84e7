package dev.forge.cli.commands.sparse;

import dev.forge.cli.commands.RepoCommand;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import dev.forge.mirror.SparseAdd;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "add",
        description =
                "Download the files under PATH (relative to the repository root) at HEAD and write them into the work tree.")
public final class SparseAddCommand extends RepoCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Folders or files, relative to the repository root.")
    List<String> paths;

    @Option(names = "--remote", paramLabel = "NAME", description = "Where to download from (default origin).")
    String remoteName = "origin";

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    dev.forge.cli.commands.RemoteTransferOptions transfer;

    @Override
    public Integer call() {
        try (Repository repo = open();
                Remote remote = new Remotes(repo)
                        .open(remoteName, transfer.options(remoteName, Remote.DEFAULT_PARALLELISM, json, err()))) {
            SparseAdd.Result r = new SparseAdd(repo, remote).run(paths, progress(json || transfer.quiet()));
            if (json) {
                var n = object().put("bytesReceived", r.bytesReceived())
                        .put("filesWritten", r.filesWritten())
                        .put("bytesWritten", r.bytesWritten());
                var a = n.putArray("paths");
                r.paths().paths().forEach(a::add);
                printJson(n);
            } else {
                out().printf(
                                Locale.ROOT,
                                "Sparse paths: %s; wrote %d files (%s)%n",
                                String.join(", ", r.paths().paths()),
                                r.filesWritten(),
                                human(r.bytesWritten()));
            }
        }
        return 0;
    }
}
