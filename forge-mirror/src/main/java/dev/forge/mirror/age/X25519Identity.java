package dev.forge.mirror.age;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An age X25519 identity, {@code AGE-SECRET-KEY-1...}: 32 random bytes. {@link #toString} never shows the
 * secret; {@link #encode} does, for writing the identity file only.
 */
public final class X25519Identity implements Identity {
    private final byte[] secret;
    private final X25519Recipient recipient;

    private X25519Identity(byte[] secret) {
        if (secret.length != 32) throw new InvalidInputException("not a valid age identity: wrong length");
        this.secret = secret.clone();
        this.recipient = new X25519Recipient(Primitives.x25519Base(this.secret));
    }

    public static X25519Identity generate() {
        return new X25519Identity(Primitives.random(32));
    }

    /** Parses {@code AGE-SECRET-KEY-1...}; the message never repeats the input. */
    public static X25519Identity parse(String s) {
        Bech32.Decoded d = Bech32.decode(s.strip());
        if (!d.hrp().equals("age-secret-key-"))
            throw new InvalidInputException("not an age X25519 identity (want AGE-SECRET-KEY-1...)");
        return new X25519Identity(d.data());
    }

    /**
     * Reads an identity file as age-keygen writes it: comment lines starting with '#', blank lines, and the
     * identities; the first X25519 identity is returned.
     */
    public static X25519Identity parseFile(String text) {
        for (String line : text.split("\n", -1)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            return parse(l);
        }
        throw new InvalidInputException("no age identity in the identity file");
    }

    public X25519Recipient recipient() {
        return recipient;
    }

    /** The Bech32 secret key, upper case as age-keygen writes it. Secret: write it to a 0600 file only. */
    public String encode() {
        return Bech32.encode("age-secret-key-", secret).toUpperCase(Locale.ROOT);
    }

    @Override
    public Optional<byte[]> unwrap(List<Stanza> stanzas) {
        for (Stanza s : stanzas) {
            if (!s.type().equals("X25519")) continue;
            if (s.args().size() != 2) throw new IntegrityException("age header: an X25519 stanza without 2 arguments");
            byte[] share = Primitives.unb64(s.args().get(1));
            if (share == null || share.length != 32)
                throw new IntegrityException("age header: an X25519 stanza's share is not 32 bytes of base64");
            byte[] body = s.body();
            if (body.length != 32) throw new IntegrityException("age header: an X25519 stanza's body is not 32 bytes");
            Optional<byte[]> shared = Primitives.x25519(secret, share);
            if (shared.isEmpty()) throw new IntegrityException("age header: an X25519 share of low order");
            byte[] salt = new byte[64];
            System.arraycopy(share, 0, salt, 0, 32);
            System.arraycopy(recipient.publicKey(), 0, salt, 32, 32);
            byte[] wrapKey = Primitives.hkdf(shared.get(), salt, X25519Recipient.INFO);
            Primitives.wipe(shared.get());
            Optional<byte[]> key = Primitives.open(wrapKey, body);
            Primitives.wipe(wrapKey);
            if (key.isPresent()) {
                if (key.get().length != 16) throw new IntegrityException("age header: a file key not of 16 bytes");
                return key;
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "X25519Identity[" + recipient + "]";
    }
}
