package dev.forge.cli.commands;

import dev.forge.mirror.Clone;
import dev.forge.mirror.Remote;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "clone",
        description = {
            "Make a new repository from a remote and check out a branch.",
            "Its remote 'origin' is URL; every branch is fetched; BRANCH (default main) is checked out. A failed clone leaves nothing behind."
        })
public final class CloneCommand extends RepoCommand {
    @Parameters(
            index = "0",
            paramLabel = "URL",
            description = "PATH, file:///PATH, s3://BUCKET/PREFIX[?endpoint=...] or r2://ACCOUNT_ID/BUCKET/PREFIX.")
    String url;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "DIR",
            description = "New or empty folder (default: the URL's last segment).")
    Path dir;

    @Option(
            names = {"-b", "--branch"},
            paramLabel = "BRANCH",
            description = "Branch to check out (default main, or the remote's first).")
    String branch;

    @Option(
            names = "--sparse",
            arity = "1..*",
            paramLabel = "PATH",
            description = "Download and check out only these folders or files (more later with 'forge sparse add').")
    java.util.List<String> sparse;

    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Transfers in flight (default 8).")
    int jobs = Remote.DEFAULT_PARALLELISM;

    @Option(names = "--json", description = "Print a summary as JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    RemoteTransferOptions transfer;

    @Override
    public Integer call() {
        Path target = cwd().resolve(dir != null ? dir : Path.of(Clone.defaultDirName(url)))
                .normalize();
        Clone.Result r = new Clone(STORES)
                .options(transfer.options(Clone.ORIGIN, jobs, json, err()))
                .sparse(sparse)
                .run(url, cwd(), target, branch, progress(json || transfer.quiet()));
        if (!json) FetchCommand.warnSkipped(err(), Clone.ORIGIN, r.fetch());
        if (json) {
            var n = FetchCommand.summary(Clone.ORIGIN, r.fetch());
            n.put("path", r.dir().toString())
                    .put("branch", r.branch())
                    .put("commit", r.commit() == null ? null : r.commit().hex());
            if (r.checkout() != null)
                n.put("filesWritten", r.checkout().written())
                        .put("bytesWritten", r.checkout().bytes());
            printJson(n);
        } else if (r.branch() == null) {
            out().printf(Locale.ROOT, "Cloned an empty remote into %s%n", r.dir());
        } else {
            out().printf(
                            Locale.ROOT,
                            "Cloned %s into %s: %s at %s, %d files (%s); %s received in %.1f s (%s)%n",
                            dev.forge.mirror.RemoteUrl.redact(url),
                            r.dir(),
                            r.branch(),
                            r.commit().shortHex(),
                            r.checkout().written(),
                            human(r.checkout().bytes()),
                            human(r.fetch().bytesReceived()),
                            r.fetch().seconds(),
                            rate(r.fetch().bytesReceived(), r.fetch().seconds()));
        }
        return 0;
    }
}
