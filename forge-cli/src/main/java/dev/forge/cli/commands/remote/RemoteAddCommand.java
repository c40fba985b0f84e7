package dev.forge.cli.commands.remote;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remotes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "add",
        description = {
            "Add a remote named NAME at URL.",
            "URL: a folder or NAS mount (PATH, file:///PATH), s3://BUCKET/PREFIX",
            "[?endpoint=URL&region=R&path-style=true], r2://ACCOUNT_ID/BUCKET/PREFIX,",
            "github://OWNER/REPO[?api=https://HOST/api/v3], dropbox://PATH or",
            "gdrive://FOLDER_ID_OR_PATH; github:// remotes are always encrypted when new.",
            "Credentials come from FORGE_S3_ACCESS_KEY_ID/FORGE_S3_SECRET_ACCESS_KEY or the AWS default chain",
            "(S3, R2), FORGE_GITHUB_TOKEN or GITHUB_TOKEN (GitHub), FORGE_DROPBOX_TOKEN, FORGE_GDRIVE_TOKEN,",
            "or 'forge auth login', never the URL."
        })
public final class RemoteAddCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "NAME", description = "The remote's name, e.g. origin.")
    String name;

    @Parameters(index = "1", paramLabel = "URL", description = "Where it is.")
    String url;

    @Option(
            names = "--encrypt",
            description = {
                "Encrypt everything pushed to it (contents, names, refs): the first push makes a repository key",
                "and wraps it to your age identity (~/.config/forge/identity.txt, made if missing) and to each",
                "--recipient. Always on for a new github:// remote. An existing encrypted remote needs no flag."
            })
    boolean encrypt;

    @picocli.CommandLine.Mixin
    dev.forge.cli.options.KeyWrapOptions wrap;

    @Override
    public Integer call() {
        Output out = common.output(json);
        wrap.requireEncrypt(encrypt);
        try (Repository repo = common.open()) {
            String stored = encrypt
                    ? new Remotes(repo).addEncrypted(name, url, common.cwd(), wrap.recipients(), wrap.passphrase())
                    : new Remotes(repo).add(name, url, common.cwd());
            if (out.json())
                out.json(object().put("name", name).put("url", stored).put("encrypt", encrypt));
            else
                out.info(
                        "Added remote %s: %s%s%n",
                        name, stored, encrypt ? " (encrypted: the first push sets up its key)" : "");
        }
        return 0;
    }
}
