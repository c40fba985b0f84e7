package dev.forge.cli.options;

import dev.forge.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --recipient AGE1...} and {@code --passphrase}: who else an encrypted remote's key is wrapped
 * to ({@code forge remote add --encrypt}, {@code forge mirror add --encrypt}).
 */
public final class KeyWrapOptions {
    @Option(
            names = "--recipient",
            paramLabel = "AGE1...",
            description = "With --encrypt: also wrap the key to this age public key (repeatable).")
    List<String> recipients = new ArrayList<>();

    @Option(
            names = "--passphrase",
            description = "With --encrypt: also wrap the key to the passphrase in FORGE_PASSPHRASE (scrypt).")
    boolean passphrase;

    public List<String> recipients() {
        return List.copyOf(recipients);
    }

    public boolean passphrase() {
        return passphrase;
    }

    /** Refuses (exit 2) either option without encryption. */
    public void requireEncrypt(boolean encrypt) {
        if (!encrypt && (!recipients.isEmpty() || passphrase))
            throw new InvalidInputException("--recipient and --passphrase go with --encrypt");
    }
}
