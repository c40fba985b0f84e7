package dev.forge.mirror.crypt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.KeyException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.age.Age;
import dev.forge.mirror.age.Identity;
import dev.forge.mirror.age.Passphrase;
import dev.forge.mirror.age.Recipient;
import dev.forge.mirror.age.X25519Identity;
import dev.forge.mirror.age.X25519Recipient;
import dev.forge.mirror.format.RemoteConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The repository key wrapped to age recipients, on the remote and locally (docs/format.md, "Encrypted remotes"):
 *
 * <ul>
 *   <li>{@code keys/<epoch>/recipients.age}: RK (32 bytes) as an age file with one X25519 stanza per member;
 *   <li>{@code keys/<epoch>/passphrase.age}: RK under an scrypt stanza (age allows no other stanza beside one);
 *   <li>{@code keys/<epoch>/members}: the members' public keys and whether a passphrase exists, JSON, encrypted
 *       like every other blob (the stanzas do not name their recipients, so {@code forge key list} reads this);
 *   <li>{@code .forge/remotes/<name>/key.age}: RK wrapped to the user's identity (and to the {@code --identity}
 *       that opened it), so later commands need no flag.
 * </ul>
 */
public final class RemoteKeys {
    public static final String LOCAL_FILE = "key.age";
    /** Written by {@code forge remote add --encrypt}: the remote is to be encrypted on its first push. */
    public static final String REQUEST_FILE = "encrypt-request";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RemoteKeys() {}

    public static String recipientsBlob(int epoch) {
        return "keys/" + epoch + "/recipients.age";
    }

    public static String passphraseBlob(int epoch) {
        return "keys/" + epoch + "/passphrase.age";
    }

    public static String membersBlob(int epoch) {
        return "keys/" + epoch + "/members";
    }

    /** The members of an epoch: X25519 public keys ({@code age1...}) and whether a passphrase opens it. */
    public record Members(List<String> recipients, boolean passphrase) {
        public Members {
            recipients = List.copyOf(new TreeSet<>(recipients));
        }

        byte[] encode() {
            ObjectNode root = JSON.createObjectNode();
            root.put("format", "forge-members/1");
            recipients.forEach(root.putArray("recipients")::add);
            root.put("passphrase", passphrase);
            return (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
        }

        static Members parse(byte[] data, String where) {
            try {
                JsonNode root = JSON.readTree(data);
                List<String> r = new ArrayList<>();
                for (JsonNode n : root.path("recipients"))
                    r.add(X25519Recipient.parse(n.asText()).toString());
                return new Members(r, root.path("passphrase").asBoolean(false));
            } catch (IOException | RuntimeException e) {
                throw new IntegrityException("the key members list " + where + " is damaged");
            }
        }
    }

    /** What {@code forge remote add --encrypt} asked for: extra recipients, and a passphrase. */
    public record Request(List<String> recipients, boolean passphrase) {}

    /** Records {@code remote add --encrypt}: the first push sets the remote up encrypted to these. */
    public static void writeRequest(Path stateDir, Request r) {
        StringBuilder sb = new StringBuilder("# forge remote add --encrypt: set up by the first push\n");
        for (String x : r.recipients())
            sb.append("recipient ").append(X25519Recipient.parse(x)).append('\n');
        if (r.passphrase()) sb.append("passphrase\n");
        try {
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve(REQUEST_FILE), sb.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + stateDir.resolve(REQUEST_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The request of {@code remote add --encrypt}, or an empty one. */
    public static Request readRequest(Path stateDir) {
        List<String> recipients = new ArrayList<>();
        boolean passphrase = false;
        try {
            for (String line : Files.readAllLines(stateDir.resolve(REQUEST_FILE), StandardCharsets.US_ASCII)) {
                if (line.startsWith("recipient "))
                    recipients.add(line.substring("recipient ".length()).strip());
                else if (line.strip().equals("passphrase")) passphrase = true;
            }
        } catch (NoSuchFileException e) {
            return new Request(List.of(), false);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + stateDir.resolve(REQUEST_FILE) + ": " + e.getMessage(), e);
        }
        return new Request(recipients, passphrase);
    }

    // ---- the local copy ----

    /** The local wrapped key of a remote whose state is in {@code stateDir}, opened, or empty when there is none. */
    public static Optional<RepositoryKey> openLocal(Path stateDir, KeySource keys, int epoch) {
        Path file = stateDir.resolve(LOCAL_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new KeyException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(
                new RepositoryKey(unwrap(bytes, keys, file.toString()).key(), epoch));
    }

    /** Writes {@code key.age}: RK wrapped to the user's identity and to {@code also} (the identity that opened it). */
    public static void saveLocal(Path stateDir, RepositoryKey rk, KeySource keys, Optional<Identity> also) {
        List<Recipient> to = new ArrayList<>();
        X25519Recipient user = keys.userIdentity().recipient();
        to.add(user);
        if (also.isPresent()
                && also.get() instanceof X25519Identity x
                && !x.recipient().toString().equals(user.toString())) to.add(x.recipient());
        byte[] wrapped = Age.encrypt(rk.bytes(), to);
        Path file = stateDir.resolve(LOCAL_FILE);
        try {
            Files.createDirectories(stateDir);
            Path tmp = Files.createTempFile(
                    stateDir,
                    ".key",
                    ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, wrapped);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- the remote's copies ----

    /** An unwrapped key and the identity that opened it. */
    public record Opened(byte[] key, Identity by) {}

    /**
     * Opens the repository key of an encrypted remote from its {@code keys/<epoch>/} blobs with the identities of
     * the agent order; checks it against the config's key id. None fits: {@link KeyException} naming what was
     * tried.
     */
    public static Opened openRemote(BlobStore raw, RemoteConfig.Encryption e, KeySource keys) {
        String where = raw.describe();
        Optional<BlobStore.Versioned> recipients = raw.get(recipientsBlob(e.epoch()));
        Optional<BlobStore.Versioned> passphrase = raw.get(passphraseBlob(e.epoch()));
        if (recipients.isEmpty() && passphrase.isEmpty()) {
            throw new KeyException("the encrypted remote " + where + " has no wrapped key (" + recipientsBlob(e.epoch())
                    + "): nobody can open it");
        }
        Opened opened = null;
        if (recipients.isPresent()) opened = tryUnwrap(recipients.get().data(), keys.x25519());
        if (opened == null && passphrase.isPresent() && keys.passphrase().isPresent()) {
            opened = tryUnwrap(
                    passphrase.get().data(),
                    List.of(new KeySource.Found(
                            "FORGE_PASSPHRASE", keys.passphrase().get())));
            if (opened == null) throw new KeyException("FORGE_PASSPHRASE does not open the remote " + where);
        }
        if (opened == null) {
            throw new KeyException("no identity opens the encrypted remote " + where + " (tried " + keys.tried()
                    + "); ask a member to run 'forge key add YOUR_AGE_PUBLIC_KEY', then use --identity FILE");
        }
        RepositoryKey rk = new RepositoryKey(opened.key(), e.epoch());
        if (!rk.keyId().equals(e.keyId())) {
            throw new IntegrityException("the wrapped key of the remote " + where
                    + " is not the key its config names (key id " + e.keyId() + "): the remote was tampered with");
        }
        return opened;
    }

    private static Opened tryUnwrap(byte[] file, List<KeySource.Found> ids) {
        for (KeySource.Found f : ids) {
            try {
                return unwrapWith(file, f.identity());
            } catch (KeyException ignored) {
                // not this one: try the next
            }
        }
        return null;
    }

    private static Opened unwrap(byte[] file, KeySource keys, String where) {
        List<KeySource.Found> ids = new ArrayList<>(keys.x25519());
        if (Age.stanzaTypes(file).contains("scrypt")) {
            ids = new ArrayList<>();
            if (keys.passphrase().isPresent())
                ids.add(new KeySource.Found(
                        "FORGE_PASSPHRASE", keys.passphrase().get()));
        }
        Opened o = tryUnwrap(file, ids);
        if (o == null) throw new KeyException("no identity opens " + where + " (tried " + keys.tried() + ")");
        return o;
    }

    private static Opened unwrapWith(byte[] file, Identity id) {
        byte[] key = Age.decrypt(file, List.of(id));
        if (key.length != RepositoryKey.LENGTH)
            throw new IntegrityException("a wrapped repository key is " + key.length + " bytes, not 32");
        return new Opened(key, id);
    }

    /**
     * Writes the wrapped keys of a new encrypted remote: {@code recipients.age} to {@code recipients}, {@code
     * passphrase.age} when {@code passphrase} is given, and the members list (through {@code encrypted}).
     */
    public static void initRemote(
            BlobStore raw,
            EncryptingBlobStore encrypted,
            RepositoryKey rk,
            List<X25519Recipient> recipients,
            Optional<Passphrase> passphrase) {
        raw.put(recipientsBlob(rk.epoch()), Age.encrypt(rk.bytes(), recipients));
        passphrase.ifPresent(p -> raw.put(passphraseBlob(rk.epoch()), Age.encrypt(rk.bytes(), List.of(p))));
        Members m = new Members(recipients.stream().map(Object::toString).toList(), passphrase.isPresent());
        encrypted.put(membersBlob(rk.epoch()), m.encode());
    }

    /** The members of the remote's current epoch. */
    public static Members members(EncryptingBlobStore encrypted, RepositoryKey rk) {
        String name = membersBlob(rk.epoch());
        return encrypted
                .get(name)
                .map(v -> Members.parse(v.data(), encrypted.describe() + "/" + name))
                .orElseThrow(() -> new NotFoundException("the encrypted remote " + encrypted.describe()
                        + " has no members list (" + name + "); push to it first"));
    }

    /**
     * Adds a member: rewrites {@code recipients.age} with one more stanza (replace-if-unchanged, retried when
     * another client changed it meanwhile), then the members list. Returns false when it was a member already.
     */
    public static boolean addRecipient(
            BlobStore raw, EncryptingBlobStore encrypted, RepositoryKey rk, X25519Recipient recipient) {
        for (int attempt = 0; attempt < 32; attempt++) {
            Members m = members(encrypted, rk);
            if (m.recipients().contains(recipient.toString())) return false;
            List<String> next = new ArrayList<>(m.recipients());
            next.add(recipient.toString());
            List<X25519Recipient> to = next.stream().map(X25519Recipient::parse).toList();
            String name = recipientsBlob(rk.epoch());
            Optional<BlobStore.Versioned> current = raw.get(name);
            byte[] wrapped = Age.encrypt(rk.bytes(), to);
            boolean written = current.isPresent()
                    ? raw.replaceIfUnchanged(name, wrapped, current.get().token())
                    : raw.putIfAbsent(name, wrapped);
            if (!written) continue;
            encrypted.put(membersBlob(rk.epoch()), new Members(next, m.passphrase()).encode());
            return true;
        }
        throw new ForgeException(
                "cannot add the key: " + recipientsBlob(rk.epoch()) + " on " + raw.describe() + " kept changing");
    }
}
