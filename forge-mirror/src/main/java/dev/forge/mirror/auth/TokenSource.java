package dev.forge.mirror.auth;

/** Where a token was found, in lookup order. */
public enum TokenSource {
    ENVIRONMENT("environment"),
    KEYRING("OS keyring"),
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
