package dev.forge.mirror.age;

import dev.forge.core.error.InvalidInputException;
import java.util.List;

/** An age X25519 recipient, {@code age1...}: the public half of an {@link X25519Identity}. */
public final class X25519Recipient implements Recipient {
    static final String INFO = "age-encryption.org/v1/X25519";
    private final byte[] publicKey;

    X25519Recipient(byte[] publicKey) {
        if (publicKey.length != 32) throw new InvalidInputException("not a valid age recipient: wrong length");
        this.publicKey = publicKey.clone();
    }

    /** Parses {@code age1...} (Bech32, HRP "age"). */
    public static X25519Recipient parse(String s) {
        Bech32.Decoded d = Bech32.decode(s.strip());
        if (!d.hrp().equals("age")) throw new InvalidInputException("not an age X25519 recipient (want age1...)");
        return new X25519Recipient(d.data());
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public Stanza wrap(byte[] fileKey) {
        byte[] ephemeral = Primitives.random(32);
        try {
            byte[] share = Primitives.x25519Base(ephemeral);
            byte[] shared = Primitives.x25519(ephemeral, publicKey)
                    .orElseThrow(() -> new InvalidInputException("not a valid age recipient: a low-order point"));
            byte[] salt = new byte[64];
            System.arraycopy(share, 0, salt, 0, 32);
            System.arraycopy(publicKey, 0, salt, 32, 32);
            byte[] wrapKey = Primitives.hkdf(shared, salt, INFO);
            Stanza s = new Stanza(List.of("X25519", Primitives.b64(share)), Primitives.seal(wrapKey, fileKey));
            Primitives.wipe(shared);
            Primitives.wipe(wrapKey);
            return s;
        } finally {
            Primitives.wipe(ephemeral);
        }
    }

    @Override
    public String toString() {
        return Bech32.encode("age", publicKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X25519Recipient r && java.util.Arrays.equals(publicKey, r.publicKey);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(publicKey);
    }
}
