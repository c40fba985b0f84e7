package dev.forge.cli.commands.auth;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.KeyException;
import dev.forge.mirror.auth.DeviceFlow;
import dev.forge.mirror.auth.FoundToken;
import dev.forge.mirror.auth.GitHubDeviceFlow;
import dev.forge.mirror.auth.OAuthTokens;
import dev.forge.mirror.auth.PkceFlow;
import dev.forge.mirror.auth.Provider;
import dev.forge.mirror.auth.RefreshGrant;
import dev.forge.mirror.auth.TokenStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "login",
        customSynopsis = {
            "forge auth login PROVIDER --with-token [--api URL] [--insecure-storage]",
            "       forge auth login github|google|youtube [--device] [--api URL] [--insecure-storage]",
            "       forge auth login dropbox [--code-stdin] [--api URL] [--insecure-storage]"
        },
        description = {
            "Save a token for PROVIDER and its API host.",
            "PROVIDER: github, gdrive (or google), dropbox, youtube.",
            "--with-token reads it from stdin (never from an argument). Without it: github and",
            "google use the device flow (FORGE_GITHUB_CLIENT_ID, FORGE_GDRIVE_CLIENT_ID and",
            "FORGE_GDRIVE_CLIENT_SECRET name the OAuth app), youtube too (scope youtube.upload;",
            "FORGE_YOUTUBE_CLIENT_ID and _SECRET), dropbox the code flow with PKCE",
            "(FORGE_DROPBOX_CLIENT_ID): open the URL shown, paste the code Dropbox gives. Google",
            "and Dropbox logins also keep a refresh token, used when the access token expires.",
            "They run only on a terminal, or with --device / --code-stdin, never waiting on a pipe."
        })
public final class AuthLoginCommand implements Callable<Integer> {
    /** A token is short; anything longer on stdin is a mistake (a file piped by accident). */
    private static final int MAX_TOKEN = 16 * 1024;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "PROVIDER", description = "github, gdrive (or google), dropbox or youtube.")
    String provider;

    @Option(
            names = "--api",
            paramLabel = "URL",
            description = "The API base, e.g. https://ghe.example/api/v3 (default: the provider's).")
    URI api;

    @Option(names = "--with-token", description = "Read the token from stdin.")
    boolean withToken;

    @Option(
            names = "--device",
            description = "github, google, youtube: use the device flow even when stdin is not a terminal.")
    boolean device;

    @Option(names = "--code-stdin", description = "dropbox: read the code Dropbox shows from stdin, without a prompt.")
    boolean codeStdin;

    @Option(
            names = "--insecure-storage",
            description = "Save the token in plain text (tokens.json, mode 0600) instead of encrypted.")
    boolean insecure;

    @Override
    public Integer call() throws InterruptedException {
        Output out = common.output(json);
        Provider p = Provider.of(provider);
        URI base = p.normalize(api);
        if (withToken && (device || codeStdin))
            throw new InvalidInputException("--with-token reads a token: give it without --device or --code-stdin");
        if (device && p == Provider.DROPBOX)
            throw new InvalidInputException("--device is for github and google; dropbox logs in with a code");
        if (codeStdin && p != Provider.DROPBOX) throw new InvalidInputException("--code-stdin is for dropbox");
        boolean terminal = dev.forge.cli.Terminal.stdinIsTerminal();
        String token;
        RefreshGrant grant = null;
        if (withToken) {
            token = readToken(System.in);
        } else if (p == Provider.DROPBOX) {
            if (!codeStdin && !terminal)
                throw new KeyException("no token: stdin is not a terminal, so forge does not ask for Dropbox's code;"
                        + " pass it with --code-stdin, or pipe a token to 'forge auth login dropbox --with-token'");
            String clientId = clientEnv("FORGE_DROPBOX_CLIENT_ID", "Dropbox");
            PkceFlow flow = PkceFlow.dropbox(base, clientId);
            var err = out.err();
            err.println("forge: open " + flow.authorizeUrl() + " , allow Forge, and paste the code Dropbox shows"
                    + (codeStdin ? "" : " here:"));
            err.flush();
            OAuthTokens t =
                    flow.exchange(codeStdin ? readStdin(System.in, "code", "--code-stdin") : readLine(System.in));
            token = t.accessToken();
            if (t.refreshToken() != null)
                grant = new RefreshGrant(t.refreshToken(), clientId, null, flow.tokenEndpoint());
        } else if (!device && !terminal) {
            throw new KeyException("no token: stdin is not a terminal, so forge does not start the device login;"
                    + " pipe a token to 'forge auth login " + p.id() + " --with-token' (or pass --device)");
        } else if (p == Provider.GITHUB) {
            token = deviceFlow(out, base);
        } else if (p == Provider.YOUTUBE) {
            // The Google device flow of 'login google', with the youtube.upload scope: its own token and grant.
            String clientId = clientEnv("FORGE_YOUTUBE_CLIENT_ID", "Google");
            String secret = System.getenv("FORGE_YOUTUBE_CLIENT_SECRET");
            secret = secret == null || secret.isBlank() ? null : secret.strip();
            DeviceFlow flow = DeviceFlow.youtube(base, clientId, secret, d -> Thread.sleep(d.toMillis()));
            OAuthTokens t = flow.run(prompt -> showCode(out, prompt));
            token = t.accessToken();
            if (t.refreshToken() != null)
                grant = new RefreshGrant(t.refreshToken(), clientId, secret, flow.tokenEndpoint());
        } else {
            String clientId = clientEnv("FORGE_GDRIVE_CLIENT_ID", "Google");
            String secret = System.getenv("FORGE_GDRIVE_CLIENT_SECRET");
            secret = secret == null || secret.isBlank() ? null : secret.strip();
            DeviceFlow flow = DeviceFlow.google(base, clientId, secret, d -> Thread.sleep(d.toMillis()));
            OAuthTokens t = flow.run(prompt -> showCode(out, prompt));
            token = t.accessToken();
            if (t.refreshToken() != null)
                grant = new RefreshGrant(t.refreshToken(), clientId, secret, flow.tokenEndpoint());
        }
        TokenStore store = TokenStore.forUser();
        TokenStore.Saved where = store.store(p, base, token, grant, insecure);
        Optional<FoundToken> now = store.find(p, base);
        if (out.json()) {
            var n = object().put("provider", p.id())
                    .put("api", base.toString())
                    .put("storage", where.source().label())
                    .put("path", where.source() == dev.forge.mirror.auth.TokenSource.KEYRING ? null : where.where())
                    .put("refreshToken", grant != null);
            now.filter(f -> f.source() == dev.forge.mirror.auth.TokenSource.ENVIRONMENT)
                    .ifPresent(f -> n.put("overriddenBy", f.where()));
            out.json(n);
        } else {
            out.info(
                    "Saved the %s token%s for %s in %s%s%n",
                    p.id(),
                    grant != null ? " and its refresh token" : "",
                    base,
                    where.where(),
                    insecure ? " (plain text)" : "");
        }
        now.filter(f -> f.source() == dev.forge.mirror.auth.TokenSource.ENVIRONMENT)
                .ifPresent(f -> out.warn(f.where() + " is set and is used instead of the saved token"));
        return 0;
    }

    static String readToken(InputStream in) {
        return readStdin(in, "token", "--with-token");
    }

    /** What stdin holds, stripped: one token or code; {@code flag} is the option that reads it, for messages. */
    private static String readStdin(InputStream in, String what, String flag) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_TOKEN + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " from stdin: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_TOKEN)
            throw new InvalidInputException("stdin holds more than a " + what + " (over 16 KiB)");
        String t = new String(bytes, StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) throw new KeyException("no " + what + " on stdin (" + flag + " reads one line from it)");
        return t;
    }

    /** One line from a terminal: the code the user pasted. */
    static String readLine(InputStream in) {
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), 1024)
                    .readLine();
            if (line == null || line.isBlank()) throw new KeyException("no code entered: the Dropbox login stopped");
            return line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the code from stdin: " + e.getMessage(), e);
        }
    }

    private static String clientEnv(String var, String service) {
        String v = System.getenv(var);
        if (v == null || v.isBlank())
            throw new KeyException("the " + service + " login needs an OAuth app's client id in " + var
                    + " (Forge has no registered app yet); or pipe a token to --with-token");
        return v.strip();
    }

    private static void showCode(Output out, DeviceFlow.Prompt prompt) {
        var err = out.err();
        err.println("forge: open " + prompt.verificationUri() + " and enter the code " + prompt.userCode() + " (valid "
                + prompt.expiresIn().toMinutes() + " min); waiting...");
        err.flush();
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
        return flow.run(prompt -> showCode(out, prompt));
    }
}
