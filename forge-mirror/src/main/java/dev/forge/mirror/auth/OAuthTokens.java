package dev.forge.mirror.auth;

/**
 * What a login's token endpoint gave: the access token and, when the app asked for offline access, a refresh
 * token (else null). {@link #toString} shows neither.
 */
public record OAuthTokens(String accessToken, String refreshToken) {
    @Override
    public String toString() {
        return "OAuthTokens[access token" + (refreshToken == null ? "" : ", refresh token") + "]";
    }
}
