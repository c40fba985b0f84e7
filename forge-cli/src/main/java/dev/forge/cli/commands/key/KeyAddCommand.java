package dev.forge.cli.commands.key;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remote;
import dev.forge.mirror.age.X25519Recipient;
import dev.forge.mirror.crypt.RemoteKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "add",
        description = {
            "Let the owner of an age public key open the encrypted remote.",
            "Wraps its repository key to one more recipient (keys/EPOCH/recipients.age, rewritten by",
            "compare-and-swap); no data is re-encrypted. They then clone with --identity FILE."
        })
public final class KeyAddCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remote;

    @Parameters(index = "0", paramLabel = "AGE_RECIPIENT", description = "An age X25519 public key, age1...")
    String recipient;

    @Override
    public Integer call() {
        Output out = common.output(json);
        X25519Recipient r = X25519Recipient.parse(recipient.strip());
        try (Repository repo = common.open();
                Remote rem = remote.open(repo, out)) {
            boolean added = RemoteKeys.addRecipient(rem.rawStore(), rem.encryptingStore(), rem.repositoryKey(), r);
            if (out.json())
                out.json(object().put("remote", remote.name())
                        .put("recipient", r.toString())
                        .put("added", added));
            else if (added) out.info("Added %s to the keys of %s%n", r, remote.name());
            else out.info("%s can open %s already%n", r, remote.name());
        }
        return 0;
    }
}
