package dev.forge.cli.commands.auth;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.mirror.auth.FoundToken;
import dev.forge.mirror.auth.TokenStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        addMethodSubcommands = false,
        name = "status",
        description = {
            "List which providers and API hosts have a token, and from where.",
            "Sources: environment, encrypted file, plain-text file. Says whether a refresh",
            "token is kept (never its value). Never prints a token."
        })
public final class AuthStatusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Output out = common.output(json);
        TokenStore store = TokenStore.forUser();
        List<FoundToken> all = store.list();
        if (out.json()) {
            ObjectNode root = object().put("configDir", store.dir().toString())
                    .put("keyring", store.keyring() ? "secret-service" : "none");
            ArrayNode a = root.putArray("tokens");
            for (FoundToken f : all) {
                a.addObject()
                        .put("provider", f.provider().id())
                        .put("api", f.api().toString())
                        .put("source", f.source().label())
                        .put("where", f.where())
                        .put("refreshToken", f.refreshable());
            }
            out.json(root);
            return 0;
        }
        if (all.isEmpty()) {
            out.println("No tokens. Save one with: forge auth login PROVIDER --with-token < token.txt");
            return 0;
        }
        for (FoundToken f : all) {
            String api = f.api().toString().equals("*")
                    ? "(every API host)"
                    : f.api().toString();
            out.printf(
                    "%s\t%s\t%s\t%s%s%n",
                    f.provider().id(),
                    api,
                    f.source().label(),
                    f.where(),
                    f.refreshable() ? "\t(with a refresh token)" : "");
        }
        return 0;
    }
}
