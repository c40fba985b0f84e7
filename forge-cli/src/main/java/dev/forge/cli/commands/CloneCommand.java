package dev.forge.cli.commands;

import static dev.forge.cli.Units.human;
import static dev.forge.cli.Units.rate;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.TransferOptions;
import dev.forge.mirror.Clone;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "clone",
        description = {
            "Make a new repository from a remote and check out a branch.",
            "Its remote 'origin' is URL; every branch is fetched; BRANCH (default main) is checked out. A failed clone leaves nothing behind."
        })
public final class CloneCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    TransferOptions transfer;

    @Parameters(
            index = "0",
            paramLabel = "URL",
            description =
                    "PATH, file:///PATH, s3://BUCKET/PREFIX[?endpoint=...], r2://ACCOUNT_ID/BUCKET/PREFIX or github://OWNER/REPO.")
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

    /** One PATH (or a comma-separated list) per --sparse, repeatable: never the URL and DIR that follow. */
    @Option(
            names = "--sparse",
            split = ",",
            paramLabel = "PATH",
            description = {
                "Download and check out only this folder or file; repeat it or separate PATHs with commas",
                "(--sparse audio,shots). More later with 'forge sparse add'."
            })
    java.util.List<String> sparse;

    @Option(
            names = "--lazy",
            description = {
                "Download every commit and tree but only the contents the checkout writes; older versions",
                "come from the remote when a command needs them (checkout, show, diff, restore)."
            })
    boolean lazy;

    @Option(
            names = "--peer",
            split = ",",
            paramLabel = "URL",
            description = {
                "Read packs through the 'forge serve --upstream' cache at URL on another machine of the farm",
                "(repeatable); kept as remote.origin.peers for later fetches."
            })
    java.util.List<String> peers;

    @Option(
            names = "--identity",
            paramLabel = "FILE",
            description = {
                "An age identity file (AGE-SECRET-KEY-1...) that opens an encrypted remote's key. Without it:",
                "FORGE_IDENTITY, then ~/.config/forge/identity.txt, then FORGE_PASSPHRASE."
            })
    Path identity;

    @Override
    public Integer call() {
        Output out = common.output(json);
        Path cwd = common.cwd();
        dev.forge.mirror.RemoteOptions options = transfer.options(Clone.ORIGIN, out, null);
        if (identity != null)
            options = options.withKeys(options.keys().withIdentityFile(cwd.resolve(identity)), options.encryptGitHub());
        Path target = cwd.resolve(dir != null ? dir : Path.of(Clone.defaultDirName(url)))
                .normalize();
        Clone.Result r = new Clone(CommonOptions.STORES)
                .options(options)
                .sparse(sparse)
                .lazy(lazy)
                .peers(peers)
                .run(url, cwd, target, branch, out.progress());
        if (!out.json()) FetchCommand.warnSkipped(out, Clone.ORIGIN, r.fetch());
        if (out.json()) {
            var n = FetchCommand.summary(Clone.ORIGIN, r.fetch());
            n.put("bytesReceived", r.bytesReceived())
                    .put("lazy", lazy)
                    .put("resumed", r.resumed())
                    .put("path", r.dir().toString())
                    .put("branch", r.branch())
                    .put("commit", r.commit() == null ? null : r.commit().hex());
            if (r.checkout() != null)
                n.put("filesWritten", r.checkout().written())
                        .put("bytesWritten", r.checkout().bytes());
            out.json(n);
        } else if (r.branch() == null) {
            out.info("Cloned an empty remote into %s%n", r.dir());
        } else if (r.checkout() == null) {
            out.info(
                    "Finished the interrupted clone of %s in %s: %s at %s (it had been checked out)%n",
                    dev.forge.mirror.RemoteUrl.redact(url),
                    r.dir(),
                    r.branch(),
                    r.commit().shortHex());
        } else {
            out.info(
                    "Cloned %s into %s: %s at %s, %d files (%s); %s received in %.1f s (%s)%n",
                    dev.forge.mirror.RemoteUrl.redact(url),
                    r.dir(),
                    r.branch(),
                    r.commit().shortHex(),
                    r.checkout().written(),
                    human(r.checkout().bytes()),
                    human(r.bytesReceived()),
                    r.fetch().seconds(),
                    rate(r.bytesReceived(), r.fetch().seconds()));
        }
        return 0;
    }
}
