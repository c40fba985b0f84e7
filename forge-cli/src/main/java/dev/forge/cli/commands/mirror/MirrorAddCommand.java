package dev.forge.cli.commands.mirror;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Mirrors;
import dev.forge.mirror.RemoteUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "add",
        description = {
            "Add a mirror that follows a remote.",
            "NAME at URL: any remote URL (folder, s3://, r2://, github://, dropbox://, gdrive://),",
            "or youtube://LABEL (experimental, write-only, always encrypted; see docs/cli.md).",
            "Every push to the remote it follows then brings it up to date too."
        })
public final class MirrorAddCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "NAME", description = "The mirror's name (a remote name).")
    String name;

    @Parameters(index = "1", paramLabel = "URL", description = "Where it is.")
    String url;

    @Option(
            names = "--of",
            paramLabel = "REMOTE",
            description = "The remote it follows (default: origin, or the only remote that is not a mirror).")
    String of;

    @Option(
            names = "--only",
            paramLabel = "CATEGORY|GLOB",
            split = ",",
            description = "Take only these files' contents: video, image, audio, model, game, document, other,"
                    + " or globs such as '*.exr' (repeatable, or comma-separated).")
    List<String> only = new ArrayList<>();

    @Option(
            names = "--encrypt",
            description = "Encrypt everything synced to it (see 'forge remote add --encrypt'); new github:// mirrors"
                    + " always are.")
    boolean encrypt;

    @Option(
            names = "--public",
            description = "The mirror is readable by others (a public bucket or repository): encryption is mandatory"
                    + " and turned on.")
    boolean isPublic;

    @picocli.CommandLine.Mixin
    dev.forge.cli.options.KeyWrapOptions wrap;

    /** What a YouTube mirror is and is not, said when one is added (README says the same). */
    static final String YOUTUBE_WARNING = "youtube:// is EXPERIMENTAL: low density (about 75 KB of data per second"
            + " of 1080p video), subject to YouTube's terms and daily upload quota, and NOT a durable replica"
            + " (YouTube may re-encode, block or delete the videos; only the owner's own downloads restore it);"
            + " data is always encrypted before it leaves; keep a real remote";

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            boolean youtube = url.startsWith("youtube://");
            // YouTube is a public host: everything sent there is always encrypted, whatever the flags say.
            boolean encrypted = encrypt || isPublic || youtube;
            wrap.requireEncrypt(encrypted);
            Mirrors.Mirror m = new Mirrors(repo)
                    .add(
                            name,
                            url,
                            of,
                            only,
                            common.cwd(),
                            encrypted ? new Mirrors.Encryption(wrap.recipients(), wrap.passphrase()) : null);
            String stored = RemoteUrl.redact(repo.remotes().get(name));
            if (out.json()) {
                var n = object().put("name", name)
                        .put("url", stored)
                        .put("of", m.of())
                        .put("encrypt", encrypted);
                m.only().forEach(n.putArray("only")::add);
                if (youtube) n.put("warning", YOUTUBE_WARNING);
                out.json(n);
            } else {
                out.info(
                        "Added mirror %s: %s, following %s, taking %s%s%n",
                        name,
                        stored,
                        m.of() == null ? "this repository's branches" : m.of(),
                        m.route(),
                        encrypted ? " (encrypted: the first sync sets up its key)" : "");
                out.info("Run 'forge mirror sync %s' to copy what is there now.%n", name);
                if (youtube) out.warn(YOUTUBE_WARNING);
            }
        }
        return 0;
    }
}
