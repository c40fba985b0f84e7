package dev.forge.mirror.crypt;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.KeyException;
import dev.forge.mirror.age.Identity;
import dev.forge.mirror.age.Passphrase;
import dev.forge.mirror.age.X25519Identity;
import dev.forge.mirror.auth.TokenStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a command finds the identities that open an encrypted remote's key, in the agent order
 * (docs/cli.md, "Encrypted remotes"): {@code --identity FILE}, then the file {@code FORGE_IDENTITY} names, then
 * the user's identity {@code ~/.config/forge/identity.txt} (the one forge auth's token file uses), then the
 * passphrase in {@code FORGE_PASSPHRASE}. Also where notices about keys go (a first push that sets up
 * encryption says so).
 *
 * @param identityFile {@code --identity}, or null
 * @param env the process environment
 * @param configDir the user's forge config folder
 * @param notices one line per notice, for stderr
 */
public record KeySource(Path identityFile, Map<String, String> env, Path configDir, Consumer<String> notices) {
    public static final String IDENTITY_ENV = "FORGE_IDENTITY";
    public static final String PASSPHRASE_ENV = "FORGE_PASSPHRASE";

    public KeySource {
        env = Map.copyOf(env);
    }

    /** The process's environment and config folder, no {@code --identity}, notices dropped. */
    public static KeySource fromEnvironment() {
        return new KeySource(null, System.getenv(), TokenStore.configDir(System.getenv()), s -> {});
    }

    public KeySource withIdentityFile(Path file) {
        return new KeySource(file, env, configDir, notices);
    }

    public KeySource withNotices(Consumer<String> n) {
        return new KeySource(identityFile, env, configDir, n);
    }

    /** The user's own identity file. */
    public Path userIdentityFile() {
        return configDir.resolve(TokenStore.IDENTITY);
    }

    /** One identity to try, with where it came from (for messages). */
    public record Found(String where, Identity identity) {}

    /**
     * The X25519 identities in the agent order: {@code --identity} (which must exist), {@code FORGE_IDENTITY} (which
     * must exist), the user's identity file (when there is one).
     */
    public List<Found> x25519() {
        List<Found> out = new ArrayList<>();
        if (identityFile != null) out.add(new Found("--identity " + identityFile, read(identityFile, true)));
        String env = this.env.get(IDENTITY_ENV);
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            out.add(new Found(IDENTITY_ENV + "=" + p, read(p, true)));
        }
        Path user = userIdentityFile();
        X25519Identity id = read(user, false);
        if (id != null) out.add(new Found(user.toString(), id));
        return out;
    }

    public Optional<Passphrase> passphrase() {
        String p = env.get(PASSPHRASE_ENV);
        return p == null || p.isEmpty() ? Optional.empty() : Optional.of(new Passphrase(p));
    }

    /** What the agent order tried, for a message. */
    public String tried() {
        List<String> t = new ArrayList<>();
        if (identityFile != null) t.add("--identity " + identityFile);
        String env = this.env.get(IDENTITY_ENV);
        if (env != null && !env.isBlank()) t.add(IDENTITY_ENV + "=" + env);
        t.add(userIdentityFile() + (Files.exists(userIdentityFile()) ? "" : " (absent)"));
        t.add(PASSPHRASE_ENV + (passphrase().isPresent() ? "" : " (not set)"));
        return String.join(", ", t);
    }

    /**
     * The user's identity, created (mode 0600, as age-keygen writes it) when there is none yet: what a local
     * {@code key.age} and a newly encrypted remote are wrapped to.
     */
    public X25519Identity userIdentity() {
        Path file = userIdentityFile();
        X25519Identity existing = read(file, false);
        if (existing != null) return existing;
        X25519Identity id = X25519Identity.generate();
        String text = "# Forge's age identity (keep it private): opens forge auth's token file and encrypted remotes\n"
                + "# created: " + Instant.now() + "\n"
                + "# public key: " + id.recipient() + "\n"
                + id.encode() + "\n";
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(
                    file.getParent(),
                    ".identity",
                    ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, text, StandardCharsets.US_ASCII);
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.createLink(file, tmp); // create-if-absent, atomically
            } catch (FileAlreadyExistsException e) {
                // another forge made it first: use theirs
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ForgeException("cannot create " + file + ": " + e.getMessage(), e);
        }
        X25519Identity made = read(file, true);
        notices.accept("created your age identity " + file + " (public key " + made.recipient() + ")");
        return made;
    }

    private static X25519Identity read(Path file, boolean required) {
        try {
            return X25519Identity.parseFile(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            if (required) throw new KeyException("the identity file " + file + " does not exist");
            return null;
        } catch (IOException e) {
            throw new KeyException("cannot read the identity file " + file + ": " + e.getMessage(), e);
        } catch (ForgeException e) {
            throw new KeyException("the identity file " + file + " is not an age identity: " + e.getMessage(), e);
        }
    }
}
