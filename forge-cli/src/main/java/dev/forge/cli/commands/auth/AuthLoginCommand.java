package dev.forge.cli.commands.auth;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.KeyException;
import dev.forge.mirror.auth.FoundToken;
import dev.forge.mirror.auth.GitHubDeviceFlow;
import dev.forge.mirror.auth.Provider;
import dev.forge.mirror.auth.TokenStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "login",
        customSynopsis = {
            "forge auth login PROVIDER --with-token [--api URL] [--insecure-storage]",
            "       forge auth login github [--device] [--api URL] [--insecure-storage]"
        },
        description = {
            "Save a token for PROVIDER (github, gdrive, dropbox) and its API host.",
            "--with-token reads it from stdin (never from an argument). For github without",
            "--with-token: GitHub's device flow (FORGE_GITHUB_CLIENT_ID names the OAuth app);",
            "it runs only on a terminal or with --device, never waiting on a pipe."
        })
public final class AuthLoginCommand implements Callable<Integer> {
    /** A token is short; anything longer on stdin is a mistake (a file piped by accident). */
    private static final int MAX_TOKEN = 16 * 1024;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "PROVIDER", description = "github, gdrive (or google) or dropbox.")
    String provider;

    @Option(
            names = "--api",
            paramLabel = "URL",
            description = "The API base, e.g. https://ghe.example/api/v3 (default: the provider's).")
    URI api;

    @Option(names = "--with-token", description = "Read the token from stdin.")
    boolean withToken;

    @Option(names = "--device", description = "Use GitHub's device flow even when stdin is not a terminal.")
    boolean device;

    @Option(
            names = "--insecure-storage",
            description = "Save the token in plain text (tokens.json, mode 0600) instead of encrypted.")
    boolean insecure;

    @Override
    public Integer call() throws InterruptedException {
        Output out = common.output(json);
        Provider p = Provider.of(provider);
        URI base = p.normalize(api);
        if (withToken && device) throw new InvalidInputException("give --with-token or --device, not both");
        String token;
        if (withToken) {
            token = readToken(System.in);
        } else if (p == Provider.GITHUB && (device || dev.forge.cli.Terminal.stdinIsTerminal())) {
            token = deviceFlow(out, base);
        } else if (p == Provider.GITHUB) {
            throw new KeyException("no token: stdin is not a terminal, so forge does not start the device login;"
                    + " pipe a token to 'forge auth login github --with-token' (or pass --device)");
        } else {
            throw new KeyException("no token: 'forge auth login " + p.id() + "' takes one on stdin with --with-token"
                    + " (the " + (p == Provider.GDRIVE ? "Google device" : "Dropbox PKCE")
                    + " login is not built yet)");
        }
        TokenStore store = TokenStore.forUser();
        Path where = store.save(p, base, token, insecure);
        Optional<FoundToken> now = store.find(p, base);
        if (out.json()) {
            var n = object().put("provider", p.id())
                    .put("api", base.toString())
                    .put("storage", insecure ? "plain-text file" : "encrypted file")
                    .put("path", where.toString());
            now.filter(f -> f.source() == dev.forge.mirror.auth.TokenSource.ENVIRONMENT)
                    .ifPresent(f -> n.put("overriddenBy", f.where()));
            out.json(n);
        } else {
            out.info("Saved the %s token for %s in %s%s%n", p.id(), base, where, insecure ? " (plain text)" : "");
        }
        now.filter(f -> f.source() == dev.forge.mirror.auth.TokenSource.ENVIRONMENT)
                .ifPresent(f -> out.warn(f.where() + " is set and is used instead of the saved token"));
        return 0;
    }

    static String readToken(InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_TOKEN + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token from stdin: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_TOKEN) throw new InvalidInputException("stdin holds more than a token (over 16 KiB)");
        String t = new String(bytes, StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) throw new KeyException("no token on stdin (--with-token reads one line from it)");
        return t;
    }

    private String deviceFlow(Output out, URI base) throws InterruptedException {
        String clientId = System.getenv("FORGE_GITHUB_CLIENT_ID");
        if (clientId == null || clientId.isBlank())
            throw new KeyException("the GitHub device login needs an OAuth app's client id in FORGE_GITHUB_CLIENT_ID"
                    + " (Forge has no registered app yet); or pipe a token to --with-token");
        String override = System.getenv("FORGE_GITHUB_OAUTH_URL");
        URI oauth = override == null || override.isBlank()
                ? GitHubDeviceFlow.oauthBase(base)
                : URI.create(override.replaceAll("/+$", ""));
        var flow = new GitHubDeviceFlow(oauth, clientId.strip(), d -> Thread.sleep(d.toMillis()));
        return flow.run(prompt -> {
            var err = out.err();
            err.println("forge: open " + prompt.verificationUri() + " and enter the code " + prompt.userCode()
                    + " (valid " + prompt.expiresIn().toMinutes() + " min); waiting...");
            err.flush();
        });
    }
}
