package dev.forge.mirror.age;

import java.util.List;
import java.util.Optional;

/** What decrypts an age file: finds the stanza addressed to it and unwraps the file key. */
public sealed interface Identity permits X25519Identity, Passphrase {
    /**
     * The file key, or empty when no stanza is for this identity (or it does not open). Throws
     * {@link dev.forge.core.error.IntegrityException} for a stanza of its type that is malformed.
     */
    Optional<byte[]> unwrap(List<Stanza> stanzas);
}
