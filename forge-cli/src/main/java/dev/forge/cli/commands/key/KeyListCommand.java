package dev.forge.cli.commands.key;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.cli.options.RemoteOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.Remote;
import dev.forge.mirror.crypt.RemoteKeys;
import dev.forge.mirror.crypt.RepositoryKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "list",
        description = {
            "List who can open the encrypted remote.",
            "Its members' age public keys, and whether a passphrase opens it; --json adds the key's id."
        })
public final class KeyListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    RemoteOption remote;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open();
                Remote rem = remote.open(repo, out)) {
            RepositoryKey rk = rem.repositoryKey();
            RemoteKeys.Members m = RemoteKeys.members(rem.encryptingStore(), rk);
            if (out.json()) {
                ObjectNode n = object().put("remote", remote.name())
                        .put("epoch", rk.epoch())
                        .put("keyId", rk.keyId())
                        .put("passphrase", m.passphrase());
                m.recipients().forEach(n.putArray("recipients")::add);
                out.json(n);
            } else {
                for (String r : m.recipients()) out.println(r);
                if (m.passphrase()) out.println("(a passphrase)");
            }
        }
        return 0;
    }
}
