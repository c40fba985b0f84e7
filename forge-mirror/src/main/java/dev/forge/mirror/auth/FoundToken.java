package dev.forge.mirror.auth;

import java.net.URI;

/**
 * A token and where it came from. {@link #toString} leaves the token out, so that a log line or an error that
 * prints this record never shows it.
 *
 * @param where the variable's name for {@link TokenSource#ENVIRONMENT}, else the file's path
 * @param refreshable a refresh token is stored with it (never for one from the environment)
 */
public record FoundToken(
        Provider provider, URI api, String token, TokenSource source, String where, boolean refreshable) {
    public FoundToken(Provider provider, URI api, String token, TokenSource source, String where) {
        this(provider, api, token, source, where, false);
    }

    @Override
    public String toString() {
        return "FoundToken[" + provider.id() + " " + api + " from " + source.label() + " " + where + "]";
    }
}
