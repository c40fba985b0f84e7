package dev.forge.mirror.auth;

/** Where a token was found. The OS keyring is not among them yet: see docs/cli.md, "forge auth". */
public enum TokenSource {
    ENVIRONMENT("environment"),
    ENCRYPTED_FILE("encrypted file"),
    PLAIN_FILE("plain-text file");

    private final String label;

    TokenSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
