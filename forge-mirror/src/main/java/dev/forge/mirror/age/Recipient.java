package dev.forge.mirror.age;

/** Who an age file is encrypted to: wraps the file key into a stanza only the matching identity opens. */
public sealed interface Recipient permits X25519Recipient, Passphrase {
    Stanza wrap(byte[] fileKey);
}
