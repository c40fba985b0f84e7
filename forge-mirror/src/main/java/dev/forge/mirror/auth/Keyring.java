package dev.forge.mirror.auth;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The OS keyring on Linux: the freedesktop Secret Service (GNOME Keyring, KeePassXC, KWallet's bridge)
 * through libsecret's {@code secret-tool}, when a session bus is there ({@code DBUS_SESSION_BUS_ADDRESS})
 * and the program is on PATH. Each token is one item with the attributes {@code application=forge},
 * {@code provider} and {@code host} (the normalised API base). The secret goes to {@code secret-tool}
 * on its stdin and comes back on its stdout: never in a process argument.
 *
 * <p>Through {@code secret-tool} rather than a Java D-Bus binding: the one maintained library
 * (dbus-java) and the Secret Service client over it would add megabytes and their native socket
 * transport to the single executable for a feature most machines (servers, farms, CI) do not have;
 * the CLI is on every desktop that has a keyring. {@code FORGE_KEYRING=off} turns it off.
 */
public final class Keyring {
    static final String APPLICATION = "forge";
    /** Each item's label: "forge: PROVIDER HOST" (what a keyring manager shows, and how list reads it back). */
    static final String LABEL = "forge: ";

    private static final long TIMEOUT_SECONDS = 10;

    private final Map<String, String> env;
    private final Path tool;

    private Keyring(Map<String, String> env, Path tool) {
        this.env = Map.copyOf(env);
        this.tool = tool;
    }

    /** The keyring of this environment, or empty when there is none to use. */
    public static Optional<Keyring> of(Map<String, String> env) {
        String off = env.getOrDefault("FORGE_KEYRING", "");
        if (off.equalsIgnoreCase("off") || off.equals("0") || off.equalsIgnoreCase("false")) return Optional.empty();
        String bus = env.get("DBUS_SESSION_BUS_ADDRESS");
        if (bus == null || bus.isBlank()) return Optional.empty();
        for (String dir : env.getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "secret-tool");
            if (Files.isExecutable(p)) return Optional.of(new Keyring(env, p));
        }
        return Optional.empty();
    }

    /** Where tokens go, for messages ("the OS keyring (Secret Service)"). */
    public String describe() {
        return "the OS keyring (Secret Service)";
    }

    /** The token stored for {@code provider} and {@code host}, or empty (also when the service does not answer). */
    public Optional<String> lookup(String provider, String host) {
        Result r = run(null, "lookup", "application", APPLICATION, "provider", provider, "host", host);
        if (r.code != 0) return Optional.empty();
        String t = r.out.strip();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** Stores a token; false when the keyring refused or did not answer (the caller stores it elsewhere). */
    public boolean store(String provider, String host, String token) {
        Result r = run(
                token,
                "store",
                "--label",
                LABEL + provider + " " + host,
                "application",
                APPLICATION,
                "provider",
                provider,
                "host",
                host);
        return r.code == 0 && lookup(provider, host).filter(token::equals).isPresent();
    }

    /** Removes the token; false when there was none. */
    public boolean clear(String provider, String host) {
        if (lookup(provider, host).isEmpty()) return false;
        return run(null, "clear", "application", APPLICATION, "provider", provider, "host", host).code == 0;
    }

    /** Every forge item: provider and host, with its token. */
    public List<Item> list() {
        Result r = run(null, "search", "--all", "application", APPLICATION);
        List<Item> out = new ArrayList<>();
        if (r.code != 0) return out;
        // Blocks of "key = value" lines on stdout, one per item, each opened by "[/...]"; the attributes
        // go to stderr, unpaired, so provider and host are read from the label this class writes.
        Map<String, String> block = new LinkedHashMap<>();
        for (String line : (r.out + "\n[").lines().toList()) {
            if (line.startsWith("[")) {
                String label = block.getOrDefault("label", "");
                String secret = block.get("secret");
                String[] parts = label.split(" ");
                if (label.startsWith(LABEL) && parts.length == 3 && secret != null && !secret.isBlank())
                    out.add(new Item(parts[1], parts[2], secret.strip()));
                block.clear();
                continue;
            }
            int eq = line.indexOf(" = ");
            if (eq > 0) block.put(line.substring(0, eq).strip(), line.substring(eq + 3));
        }
        return out;
    }

    /** One stored token; {@link #toString} leaves the token out. */
    public record Item(String provider, String host, String token) {
        @Override
        public String toString() {
            return "Item[" + provider + " " + host + "]";
        }
    }

    private record Result(int code, String out, String err) {}

    private Result run(String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            var out = readAsync(p.getInputStream());
            var err = readAsync(p.getErrorStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", "");
            }
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (IOException e) {
            return new Result(-1, "", "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "");
        } catch (java.util.concurrent.ExecutionException e) {
            return new Result(-1, "", "");
        }
    }

    private static java.util.concurrent.Future<String> readAsync(InputStream in) {
        java.util.concurrent.CompletableFuture<String> f = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        });
        return f;
    }
}
