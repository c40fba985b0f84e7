package dev.forge.mirror.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.KeyException;
import dev.forge.mirror.age.Age;
import dev.forge.mirror.age.Identity;
import dev.forge.mirror.age.Passphrase;
import dev.forge.mirror.age.Recipient;
import dev.forge.mirror.age.X25519Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user's API tokens, per provider and API host (as gh keeps them per host): a token saved for
 * {@code https://ghe.example/api/v3} is handed out only for that API base, never for another.
 *
 * <p>Lookup order: the provider's environment variables ({@link Provider#envVars}), then the encrypted token
 * file {@value #TOKENS_AGE} in the config folder ($XDG_CONFIG_HOME/forge, else ~/.config/forge), then the
 * plain-text {@value #TOKENS_PLAIN} that only {@code --insecure-storage} writes. The OS keyring (Secret Service
 * over D-Bus) is not used: no small, well-kept Java library for it is on Maven Central (docs/cli.md).
 *
 * <p>The encrypted file is an age file (dev.forge.mirror.age) holding a JSON document. Its key is the age
 * X25519 identity {@value #IDENTITY}, created on first save with mode 0600, or, when FORGE_PASSPHRASE is set, the
 * passphrase (scrypt). Every write is atomic (temporary file, fsync, rename) and under a lock file, so two
 * logins at once both land. No message of this class contains a token.
 */
public final class TokenStore {
    public static final String TOKENS_AGE = "tokens.age";
    public static final String TOKENS_PLAIN = "tokens.json";
    public static final String IDENTITY = "identity.txt";
    /** What this version writes: version 2 adds the optional refresh fields to an entry (docs/format.md). */
    static final String FORMAT = "forge-tokens/2";
    /** Still read: entries with a token only. */
    static final String FORMAT_V1 = "forge-tokens/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Threads of one process take this first: a second FileChannel.lock in the same JVM would throw. */
    private static final java.util.concurrent.locks.ReentrantLock IN_PROCESS =
            new java.util.concurrent.locks.ReentrantLock();

    /** A stored entry: the access token and, for an OAuth login with offline access, how to renew it. */
    private record Stored(String token, RefreshGrant refresh) {}

    private final Map<String, String> env;
    private final Path dir;
    private final Optional<Keyring> keyring;

    /** @param env the process environment (a map, so that tests can give their own) */
    public TokenStore(Map<String, String> env, Path configDir) {
        this.env = Map.copyOf(env);
        this.dir = configDir;
        this.keyring = Keyring.of(this.env);
    }

    /** Whether an OS keyring is in use here ({@link Keyring}). */
    public boolean keyring() {
        return keyring.isPresent();
    }

    /** Where {@link #store} put a token: the keyring, or a file ({@code where} is its path). */
    public record Saved(TokenSource source, String where) {}

    /**
     * Saves a token where it is safest: in the OS keyring when there is one (and not {@code insecure}),
     * removing any copy from the files; otherwise as {@link #save} does. A token with a refresh grant
     * goes to the encrypted file, which keeps both (a keyring item holds one secret).
     */
    public Saved store(Provider provider, URI apiBase, String token, boolean insecure) {
        return store(provider, apiBase, token, null, insecure);
    }

    /** {@link #store(Provider, URI, String, boolean)} with how to renew the token (null: none). */
    public Saved store(Provider provider, URI apiBase, String token, RefreshGrant refresh, boolean insecure) {
        URI api = provider.normalize(apiBase);
        if (!insecure && refresh == null && keyring.isPresent()) {
            if (token.isBlank() || token.chars().anyMatch(c -> c < 33 || c > 126))
                throw new dev.forge.core.error.InvalidInputException(
                        "the token must be one line of printable characters without spaces");
            if (keyring.get().store(provider.id(), api.toString(), token)) {
                removeFromFiles(provider, api);
                return new Saved(TokenSource.KEYRING, keyring.get().describe());
            }
        }
        Path where = save(provider, api, token, refresh, insecure);
        return new Saved(insecure ? TokenSource.PLAIN_FILE : TokenSource.ENCRYPTED_FILE, where.toString());
    }

    private void removeFromFiles(Provider provider, URI api) {
        String key = key(provider, api);
        locked(() -> {
            removeEncrypted(key);
            Map<String, Stored> plain = readPlain();
            if (plain.remove(key) != null) writePlain(plain);
            return null;
        });
    }

    /** The store of the user running Forge: System.getenv() and its config folder. */
    public static TokenStore forUser() {
        return new TokenStore(System.getenv(), configDir(System.getenv()));
    }

    /** $XDG_CONFIG_HOME/forge when that is an absolute path, else ~/.config/forge. */
    public static Path configDir(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "forge");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".config", "forge");
    }

    public Path dir() {
        return dir;
    }

    /** The token to send to {@code apiBase} (null: the provider's default API), or empty. */
    public Optional<String> lookup(String provider, URI apiBase) {
        return find(Provider.of(provider), apiBase).map(FoundToken::token);
    }

    /**
     * What a backend is given: a supplier of the token for {@code apiBase}, looked up on each call (so a
     * login in another terminal is seen), failing with {@link KeyException} (exit 13) and the command that
     * fixes it when there is none.
     */
    public java.util.function.Supplier<String> supplier(Provider provider, URI apiBase) {
        URI api = provider.normalize(apiBase);
        return () -> find(provider, api)
                .map(FoundToken::token)
                .orElseThrow(
                        () -> new KeyException("no " + provider.id() + " token for " + api + ": run 'forge auth login "
                                + provider.id() + (api.equals(provider.defaultApi()) ? "" : " --api " + api)
                                + " --with-token' (or set " + provider.envVars().getFirst() + ")"));
    }

    /** The token for a provider's API host and where it came from, in lookup order. */
    public Optional<FoundToken> find(Provider provider, URI apiBase) {
        URI api = provider.normalize(apiBase);
        Optional<FoundToken> set = fromEnvironment(provider, api);
        if (set.isPresent()) return set;
        if (keyring.isPresent()) {
            Optional<String> t = keyring.get().lookup(provider.id(), api.toString());
            if (t.isPresent())
                return Optional.of(new FoundToken(
                        provider,
                        api,
                        t.get(),
                        TokenSource.KEYRING,
                        keyring.get().describe()));
        }
        String key = key(provider, api);
        if (Files.exists(dir.resolve(TOKENS_AGE))) {
            Stored t = readEncrypted().get(key);
            if (t != null) return Optional.of(entry(key, t, TokenSource.ENCRYPTED_FILE, path(TOKENS_AGE)));
        }
        Stored t = readPlain().get(key);
        if (t != null) return Optional.of(entry(key, t, TokenSource.PLAIN_FILE, path(TOKENS_PLAIN)));
        return Optional.empty();
    }

    private Optional<FoundToken> fromEnvironment(Provider provider, URI api) {
        for (int i = 0; i < provider.envVars().size(); i++) {
            String var = provider.envVars().get(i);
            String v = env.get(var);
            if (v == null || v.isBlank()) continue;
            if (i > 0 && !api.equals(provider.defaultApi())) continue;
            return Optional.of(new FoundToken(provider, api, v.strip(), TokenSource.ENVIRONMENT, var));
        }
        return Optional.empty();
    }

    /**
     * How to renew the stored access token of a provider's API host (from the file that holds it), or empty
     * when its login kept none, or when the access token comes from the environment: a stored refresh token
     * goes with the stored access token, and the files are then not read at all (the environment has its own
     * refresh variables, read by OAuthRefresh.fromEnv).
     */
    public Optional<RefreshGrant> refreshGrant(Provider provider, URI apiBase) {
        URI api = provider.normalize(apiBase);
        if (fromEnvironment(provider, api).isPresent()) return Optional.empty();
        String key = key(provider, api);
        if (Files.exists(dir.resolve(TOKENS_AGE))) {
            Stored t = readEncrypted().get(key);
            if (t != null) return Optional.ofNullable(t.refresh());
        }
        return Optional.ofNullable(readPlain().get(key)).map(Stored::refresh);
    }

    /**
     * Keeps what a refresh gave in the file that holds the entry: the new access token and, when the server
     * rotated it, the new refresh token (the old one may no longer work). Nothing when the entry is gone (a
     * logout meanwhile) or holds another refresh token (another login meanwhile).
     */
    public void refreshed(Provider provider, URI apiBase, String usedRefreshToken, String access, String rotated) {
        String key = key(provider, provider.normalize(apiBase));
        locked(() -> {
            boolean encrypted = Files.exists(dir.resolve(TOKENS_AGE));
            Map<String, Stored> tokens = encrypted ? readEncrypted() : Map.of();
            if (!tokens.containsKey(key)) {
                encrypted = false;
                tokens = readPlain();
            }
            Stored old = tokens.get(key);
            if (old == null
                    || old.refresh() == null
                    || !old.refresh().refreshToken().equals(usedRefreshToken)) return null;
            RefreshGrant grant = rotated == null ? old.refresh() : old.refresh().withRefreshToken(rotated);
            tokens.put(key, new Stored(access, grant));
            if (encrypted) writeEncrypted(tokens);
            else writePlain(tokens);
            return null;
        });
    }

    /**
     * Every token Forge can see, in lookup order per provider (an environment variable first). Reading the
     * encrypted file needs its key: without it this throws {@link KeyException}.
     */
    public List<FoundToken> list() {
        List<FoundToken> all = new ArrayList<>();
        for (Provider p : Provider.values()) {
            for (int i = 0; i < p.envVars().size(); i++) {
                String v = env.get(p.envVars().get(i));
                if (v == null || v.isBlank()) continue;
                URI api = i == 0 ? URI.create("*") : p.defaultApi();
                all.add(new FoundToken(
                        p, api, v.strip(), TokenSource.ENVIRONMENT, p.envVars().get(i)));
            }
        }
        keyring.ifPresent(k -> {
            for (Keyring.Item i : k.list()) {
                try {
                    Provider p = Provider.of(i.provider());
                    all.add(new FoundToken(p, URI.create(i.host()), i.token(), TokenSource.KEYRING, k.describe()));
                } catch (RuntimeException e) {
                    // an item another program labelled like ours: not a token of ours
                }
            }
        });
        if (Files.exists(dir.resolve(TOKENS_AGE)))
            readEncrypted().forEach((k, t) -> all.add(entry(k, t, TokenSource.ENCRYPTED_FILE, path(TOKENS_AGE))));
        readPlain().forEach((k, t) -> all.add(entry(k, t, TokenSource.PLAIN_FILE, path(TOKENS_PLAIN))));
        return all;
    }

    /**
     * Saves a token for a provider's API host: in the encrypted file, or with {@code insecure} in the
     * plain-text one; either way it leaves the other file, so one place holds it. Returns where it went.
     */
    public Path save(Provider provider, URI apiBase, String token, boolean insecure) {
        return save(provider, apiBase, token, null, insecure);
    }

    /** {@link #save(Provider, URI, String, boolean)} with how to renew the token (null: no refresh token). */
    public Path save(Provider provider, URI apiBase, String token, RefreshGrant refresh, boolean insecure) {
        if (token.isBlank() || token.chars().anyMatch(c -> c < 33 || c > 126))
            throw new dev.forge.core.error.InvalidInputException(
                    "the token must be one line of printable characters without spaces");
        Stored entry = new Stored(token, refresh);
        String key = key(provider, provider.normalize(apiBase));
        return locked(() -> {
            if (insecure) {
                Map<String, Stored> plain = readPlain();
                plain.put(key, entry);
                writePlain(plain);
                removeEncrypted(key);
                return dir.resolve(TOKENS_PLAIN);
            }
            Map<String, Stored> tokens =
                    Files.exists(dir.resolve(TOKENS_AGE)) ? readEncrypted() : new LinkedHashMap<>();
            tokens.put(key, entry);
            writeEncrypted(tokens);
            Map<String, Stored> plain = readPlain();
            if (plain.remove(key) != null) writePlain(plain);
            return dir.resolve(TOKENS_AGE);
        });
    }

    /** Removes the stored token of a provider's API host from the keyring and both files; false when there was none. */
    public boolean remove(Provider provider, URI apiBase) {
        URI api = provider.normalize(apiBase);
        String key = key(provider, api);
        boolean fromKeyring =
                keyring.map(k -> k.clear(provider.id(), api.toString())).orElse(false);
        return fromKeyring
                | locked(() -> {
                    boolean removed = removeEncrypted(key);
                    Map<String, Stored> plain = readPlain();
                    if (plain.remove(key) != null) {
                        writePlain(plain);
                        removed = true;
                    }
                    return removed;
                });
    }

    private boolean removeEncrypted(String key) throws IOException {
        if (!Files.exists(dir.resolve(TOKENS_AGE))) return false;
        Map<String, Stored> tokens = readEncrypted();
        if (tokens.remove(key) == null) return false;
        writeEncrypted(tokens);
        return true;
    }

    private interface Action<T> {
        T run() throws IOException;
    }

    private <T> T locked(Action<T> action) {
        IN_PROCESS.lock();
        try {
            AtomicFiles.ensureDir(dir);
            try (FileChannel ch =
                    FileChannel.open(dir.resolve("tokens.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.lock();
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token store in " + dir + ": " + e.getMessage(), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    private static String key(Provider p, URI api) {
        return p.id() + " " + api;
    }

    private static FoundToken entry(String key, Stored s, TokenSource source, String where) {
        int sp = key.indexOf(' ');
        return new FoundToken(
                Provider.of(key.substring(0, sp)),
                URI.create(key.substring(sp + 1)),
                s.token(),
                source,
                where,
                s.refresh() != null);
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private Optional<Passphrase> passphrase() {
        String p = env.get("FORGE_PASSPHRASE");
        return p == null || p.isEmpty() ? Optional.empty() : Optional.of(new Passphrase(p));
    }

    private Map<String, Stored> readEncrypted() {
        Path file = dir.resolve(TOKENS_AGE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Identity> ids = new ArrayList<>();
        if (Age.stanzaTypes(bytes).contains("scrypt")) {
            ids.add(passphrase()
                    .orElseThrow(
                            () -> new KeyException(file + " is encrypted with a passphrase: set FORGE_PASSPHRASE")));
        } else {
            ids.add(identity()
                    .orElseThrow(() -> new KeyException("the key of " + file + " is missing: " + dir.resolve(IDENTITY)
                            + " does not exist (restore it," + " or remove " + TOKENS_AGE + " and log in again)")));
        }
        byte[] plain;
        try {
            plain = Age.decrypt(bytes, ids);
        } catch (KeyException e) {
            throw new KeyException(file + ": " + e.getMessage(), e);
        } catch (IntegrityException e) {
            throw new IntegrityException(file + ": " + e.getMessage(), e);
        }
        return parse(plain, file);
    }

    private void writeEncrypted(Map<String, Stored> tokens) throws IOException {
        Recipient to;
        Optional<Passphrase> p = passphrase();
        if (p.isPresent()) to = p.get();
        else to = identity().orElseGet(this::createIdentity).recipient();
        AtomicFiles.write(dir.resolve(TOKENS_AGE), Age.encrypt(render(tokens), List.of(to)));
    }

    private Optional<X25519Identity> identity() {
        Path file = dir.resolve(IDENTITY);
        try {
            return Optional.of(X25519Identity.parseFile(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new KeyException("cannot read the token key " + file + ": " + e.getMessage(), e);
        } catch (ForgeException e) {
            throw new KeyException("the token key " + file + " is not an age identity: " + e.getMessage(), e);
        }
    }

    private X25519Identity createIdentity() {
        X25519Identity id = X25519Identity.generate();
        String text = "# Forge's key for " + TOKENS_AGE + " beside it (an age identity; keep it private)\n"
                + "# created: " + Instant.now() + "\n"
                + "# public key: " + id.recipient() + "\n"
                + id.encode() + "\n";
        try {
            if (AtomicFiles.create(dir.resolve(IDENTITY), text.getBytes(StandardCharsets.US_ASCII))) return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve(IDENTITY) + ": " + e.getMessage(), e);
        }
        return identity().orElseThrow();
    }

    private Map<String, Stored> readPlain() {
        Path file = dir.resolve(TOKENS_PLAIN);
        try {
            return parse(Files.readAllBytes(file), file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void writePlain(Map<String, Stored> tokens) throws IOException {
        Path file = dir.resolve(TOKENS_PLAIN);
        if (tokens.isEmpty()) AtomicFiles.delete(file);
        else AtomicFiles.write(file, render(tokens));
    }

    /**
     * {"format":"forge-tokens/2","tokens":[{"provider","api","token"[,"refreshToken","clientId"[,"clientSecret"],
     * "tokenEndpoint"]}...]}
     */
    private static byte[] render(Map<String, Stored> tokens) {
        ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
        ArrayNode list = root.putArray("tokens");
        tokens.forEach((k, t) -> {
            int sp = k.indexOf(' ');
            ObjectNode e = list.addObject()
                    .put("provider", k.substring(0, sp))
                    .put("api", k.substring(sp + 1))
                    .put("token", t.token());
            RefreshGrant r = t.refresh();
            if (r != null) {
                e.put("refreshToken", r.refreshToken()).put("clientId", r.clientId());
                if (r.clientSecret() != null) e.put("clientSecret", r.clientSecret());
                e.put("tokenEndpoint", r.tokenEndpoint().toString());
            }
        });
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Stored> parse(byte[] bytes, Path file) {
        Map<String, Stored> out = new LinkedHashMap<>();
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            // Jackson's message may quote the bytes it read, a token among them: leave it out.
            throw new IntegrityException(file + " is not a Forge token file (it does not parse as JSON)");
        }
        String format = root == null ? "" : root.path("format").asText();
        if (!(FORMAT.equals(format) || FORMAT_V1.equals(format))
                || !root.path("tokens").isArray())
            throw new IntegrityException(file + " is not a Forge token file (want format " + FORMAT + ")");
        for (JsonNode t : root.get("tokens")) {
            String provider = t.path("provider").asText("");
            String api = t.path("api").asText("");
            String token = t.path("token").asText("");
            if (provider.isEmpty() || api.isEmpty() || token.isEmpty())
                throw new IntegrityException(file + " has a token entry without provider, api or token");
            RefreshGrant refresh = null;
            if (FORMAT.equals(format) && t.has("refreshToken")) {
                String rt = t.path("refreshToken").asText("");
                String id = t.path("clientId").asText("");
                String endpoint = t.path("tokenEndpoint").asText("");
                String secret = t.path("clientSecret").asText("");
                URI at;
                try {
                    at = URI.create(endpoint);
                } catch (IllegalArgumentException e) {
                    at = null;
                }
                if (rt.isEmpty() || id.isEmpty() || at == null || at.getScheme() == null)
                    throw new IntegrityException(
                            file + " has a refresh entry without refreshToken, clientId or tokenEndpoint");
                refresh = new RefreshGrant(rt, id, secret.isEmpty() ? null : secret, at);
            }
            out.put(provider + " " + api, new Stored(token, refresh));
        }
        return out;
    }
}
