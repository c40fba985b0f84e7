package dev.forge.cli.commands.auth;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.NotFoundException;
import dev.forge.mirror.auth.Provider;
import dev.forge.mirror.auth.TokenSource;
import dev.forge.mirror.auth.TokenStore;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "logout",
        description = {
            "Remove the saved token of PROVIDER for an API host.",
            "Exit 4 if there is none. A token in an environment variable stays: unset it."
        })
public final class AuthLogoutCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "PROVIDER", description = "github, gdrive (or google) or dropbox.")
    String provider;

    @Option(names = "--api", paramLabel = "URL", description = "The API base (default: the provider's).")
    URI api;

    @Override
    public Integer call() {
        Output out = common.output(json);
        Provider p = Provider.of(provider);
        URI base = p.normalize(api);
        TokenStore store = TokenStore.forUser();
        if (!store.remove(p, base)) throw new NotFoundException("no saved " + p.id() + " token for " + base);
        if (out.json())
            out.json(
                    object().put("provider", p.id()).put("api", base.toString()).put("removed", true));
        else out.info("Removed the saved %s token for %s%n", p.id(), base);
        store.find(p, base)
                .filter(f -> f.source() == TokenSource.ENVIRONMENT)
                .ifPresent(f -> out.warn(f.where() + " is still set and still provides a token"));
        return 0;
    }
}
